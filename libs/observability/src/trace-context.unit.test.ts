import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  continueOrStartTrace,
  currentTraceparent,
  extractTraceContext,
  generateTraceparent,
  injectTraceContext,
  withTraceContext,
} from './trace-context';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const W3C_TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('trace context', () => {
  it('extracts a traceparent and injects the same one into an outgoing carrier', () => {
    const ctx = extractTraceContext({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
    expect(injectTraceContext({}, ctx)).toEqual({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
  });

  it('reads AMQP-style headers whose values are buffers', () => {
    const ctx = extractTraceContext({ traceparent: Buffer.from(TRACEPARENT) });
    expect(currentTraceparent(ctx)).toBe(TRACEPARENT);
  });

  it('ignores a malformed traceparent', () => {
    for (const bad of ['garbage', '00-00000000000000000000000000000000-b7ad6b7169203331-01', '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01']) {
      expect(currentTraceparent(extractTraceContext({ traceparent: bad }))).toBeUndefined();
    }
  });

  it('has no traceparent outside any trace', () => {
    expect(currentTraceparent()).toBeUndefined();
    expect(injectTraceContext({})).toEqual({});
  });

  it('keeps the context active across awaits inside withTraceContext', async () => {
    const ctx = extractTraceContext({ traceparent: TRACEPARENT });
    const seen = await withTraceContext(ctx, async () => {
      await sleep(5);
      await Promise.resolve();
      return currentTraceparent();
    });
    expect(seen).toBe(TRACEPARENT);
    expect(currentTraceparent()).toBeUndefined();
  });

  it('generates valid, random traceparents', () => {
    const first = generateTraceparent();
    expect(first).toMatch(W3C_TRACEPARENT);
    expect(generateTraceparent()).not.toBe(first);
  });

  it('continues a valid incoming trace and starts a new one otherwise', () => {
    expect(continueOrStartTrace({ traceparent: TRACEPARENT })).toMatchObject({ traceparent: TRACEPARENT, generated: false });
    const started = continueOrStartTrace({ traceparent: 'nonsense' });
    expect(started.generated).toBe(true);
    expect(started.traceparent).toMatch(W3C_TRACEPARENT);
    expect(currentTraceparent(started.context)).toBe(started.traceparent);
  });
});
