import { randomBytes } from 'node:crypto';
import { context, trace, type Span, type SpanContext, type SpanStatus, type Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withSpan, withSpans } from './spans';
import { currentTraceparent, extractTraceContext, withTraceContext } from './trace-context';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

interface RecordedSpan {
  name: string;
  parentSpanId: string | undefined;
  spanContext: SpanContext;
  status?: SpanStatus;
  exceptions: unknown[];
  ended: boolean;
}

/** A tracer that keeps what it was asked to record, standing in for an SDK. */
function recordingTracer(): { tracer: Tracer; spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  const tracer = {
    startSpan(name: string, _options?: unknown, ctx = context.active()): Span {
      const parent = trace.getSpanContext(ctx);
      const spanContext: SpanContext = { traceId: parent?.traceId ?? randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), traceFlags: 1 };
      const record: RecordedSpan = { name, parentSpanId: parent?.spanId, spanContext, exceptions: [], ended: false };
      spans.push(record);
      const span: Span = {
        spanContext: () => spanContext,
        setAttribute: () => span,
        setAttributes: () => span,
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: (status) => {
          record.status = status;
          return span;
        },
        updateName: () => span,
        end: () => {
          record.ended = true;
        },
        isRecording: () => true,
        recordException: (exception) => {
          record.exceptions.push(exception);
        },
      };
      return span;
    },
    startActiveSpan: () => {
      throw new Error('not used by withSpan');
    },
  } as Tracer;
  return { tracer, spans };
}

describe('withSpan', () => {
  it('keeps the trace flowing with the no-op tracer', async () => {
    const seen = await withTraceContext(extractTraceContext({ traceparent: TRACEPARENT }), () => withSpan('records.create', async () => currentTraceparent()));
    expect(seen).toBe(TRACEPARENT);
  });

  it('runs the function in a child span that ends when it settles', async () => {
    const { tracer, spans } = recordingTracer();
    const seen = await withTraceContext(extractTraceContext({ traceparent: TRACEPARENT }), () =>
      withSpan('outbox.relay', async () => currentTraceparent(), { tracer }),
    );
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: 'outbox.relay', parentSpanId: 'b7ad6b7169203331', ended: true });
    expect(seen).toBe(`00-${TRACE_ID}-${spans[0]!.spanContext.spanId}-01`);
  });

  it('records a failure on the span and rethrows it', async () => {
    const { tracer, spans } = recordingTracer();
    const failure = new Error('database down');
    await expect(withSpan('records.find', async () => Promise.reject(failure), { tracer })).rejects.toBe(failure);
    expect(spans[0]).toMatchObject({ ended: true, status: { code: 2, message: 'database down' }, exceptions: [failure] });
  });
});

describe('withSpans', () => {
  interface Records {
    limit: number;
    find(id: string): Promise<string>;
    fail(): Promise<never>;
    count(): number;
  }

  class PostgresRecords implements Records {
    readonly limit = 10;
    #prefix = 'record';
    async find(id: string): Promise<string> {
      return `${this.#prefix}:${id}:${this.count()}`;
    }
    async fail(): Promise<never> {
      throw new Error('constraint violated');
    }
    count(): number {
      return 3;
    }
  }

  it('puts every method call in a span named after the port and method', async () => {
    const { tracer, spans } = recordingTracer();
    const records = withSpans<Records>('records', new PostgresRecords(), { tracer });
    expect(await records.find('r1')).toBe('record:r1:3');
    expect(records.count()).toBe(3);
    expect(records.limit).toBe(10);
    await expect(records.fail()).rejects.toThrow('constraint violated');
    expect(spans.map((span) => [span.name, span.ended])).toEqual([
      ['records.find', true],
      ['records.count', true],
      ['records.fail', true],
    ]);
    expect(spans[2]!.status).toMatchObject({ code: 2 });
  });

  it('wraps plain factory objects too, and returns the same function each time', async () => {
    const { tracer, spans } = recordingTracer();
    const port = withSpans('clock', { now: async () => 42 }, { tracer });
    expect(port.now).toBe(port.now);
    expect(await port.now()).toBe(42);
    expect(spans.map((span) => span.name)).toEqual(['clock.now']);
  });
});
