import { randomBytes } from 'node:crypto';
import {
  ROOT_CONTEXT,
  TraceFlags,
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AsyncLocalStorageContextManager } from './async-context-manager';

let registered = false;

/**
 * Registers the W3C TraceContext propagator and an AsyncLocalStorage context manager with the
 * OpenTelemetry API, once per process. Every helper here calls it, so importing code never has
 * to. If an SDK registered its own first, the API keeps those and this is a no-op.
 */
export function registerTracePropagation(): void {
  if (registered) return;
  registered = true;
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** Carriers are HTTP headers (string or string[]) or AMQP headers (anything). */
export type TraceCarrier = Record<string, unknown>;

const carrierGetter: TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key] ?? carrier[key.toLowerCase()];
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  },
};

const carrierSetter: TextMapSetter<TraceCarrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Writes `traceparent` (and `tracestate`) of `ctx` into `carrier`; writes nothing when there is no valid span context. */
export function injectTraceContext<C extends TraceCarrier>(carrier: C, ctx: Context = context.active()): C {
  registerTracePropagation();
  propagation.inject(ctx, carrier, carrierSetter);
  return carrier;
}

/** The context described by the carrier's `traceparent`; the root context when it is missing or malformed. */
export function extractTraceContext(carrier: TraceCarrier, base: Context = ROOT_CONTEXT): Context {
  registerTracePropagation();
  return propagation.extract(base, carrier, carrierGetter);
}

/** `traceparent` of the active context (or of `ctx`), undefined outside any trace. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, unknown> = {};
  injectTraceContext(carrier, ctx);
  return typeof carrier.traceparent === 'string' ? carrier.traceparent : undefined;
}

/** Runs `fn` with `ctx` active, so spans and `currentTraceparent()` inside it belong to that trace. */
export function withTraceContext<T>(ctx: Context, fn: () => T): T {
  registerTracePropagation();
  return context.with(ctx, fn);
}

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/**
 * A context for a new trace with random ids, for work that arrived without one. The sampled flag
 * is set so that parent-based samplers downstream keep the trace.
 */
export function newTraceContext(base: Context = ROOT_CONTEXT): Context {
  return trace.setSpanContext(base, {
    traceId: randomHex(16),
    spanId: randomHex(8),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** A valid W3C `traceparent` for a new trace. */
export function generateTraceparent(): string {
  return currentTraceparent(newTraceContext()) as string;
}

export interface IncomingTrace {
  context: Context;
  traceparent: string;
  /** False when the carrier had a valid `traceparent`, true when a new trace was started. */
  generated: boolean;
}

/** Continues the carrier's trace when it has a valid `traceparent`, otherwise starts a new one. */
export function continueOrStartTrace(carrier: TraceCarrier): IncomingTrace {
  const extracted = extractTraceContext(carrier);
  const spanContext = trace.getSpanContext(extracted);
  const generated = spanContext === undefined || !isSpanContextValid(spanContext);
  const ctx = generated ? newTraceContext() : extracted;
  return { context: ctx, traceparent: currentTraceparent(ctx) as string, generated };
}
