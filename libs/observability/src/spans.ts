import { SpanStatusCode, context, trace, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { registerTracePropagation } from './trace-context';

export const TRACER_NAME = 'hexbase';

function defaultTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface WithSpanOptions extends SpanOptions {
  /** The API's global tracer (a no-op one unless an SDK is registered) when omitted. */
  tracer?: Tracer;
}

/**
 * Runs `fn` inside a new child span of the active context. The span records a thrown error and
 * ends when `fn` settles. With the no-op tracer the span only carries the parent's ids, so the
 * trace context still flows into `fn`.
 */
export async function withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, options: WithSpanOptions = {}): Promise<T> {
  return (await callInSpan(name, fn, options)) as T;
}

/**
 * Wraps every method of a port so each call runs in a span named `<prefix>.<method>`. Calls that
 * return a promise end their span when it settles; synchronous calls run in a span too. Other
 * properties pass through untouched. Meant for `main.ts`: `withSpans('records', createPostgresRecords(db))`.
 */
export function withSpans<Port extends object>(prefix: string, port: Port, options: WithSpanOptions = {}): Port {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key === 'symbol' || key === 'constructor') return value;
      const cached = wrapped.get(key);
      if (cached) return cached;
      const method = value as (...args: unknown[]) => unknown;
      const spanned = (...args: unknown[]): unknown => callInSpan(`${prefix}.${key}`, () => method.apply(target, args), options);
      wrapped.set(key, spanned);
      return spanned;
    },
  });
}

function callInSpan(name: string, call: (span: Span) => unknown, options: WithSpanOptions): unknown {
  registerTracePropagation();
  const { tracer = defaultTracer(), ...spanOptions } = options;
  const span = tracer.startSpan(name, spanOptions);
  let result: unknown;
  try {
    result = context.with(trace.setSpan(context.active(), span), call, undefined, span);
  } catch (error) {
    recordFailure(span, error);
    span.end();
    throw error;
  }
  if (!isPromiseLike(result)) {
    span.end();
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      recordFailure(span, error);
      span.end();
      throw error;
    },
  );
}

function recordFailure(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
