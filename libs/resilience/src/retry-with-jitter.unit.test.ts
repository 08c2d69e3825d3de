import { describe, expect, it } from 'vitest';
import { HexbaseError, conflict, unavailable } from '@hexbase/contracts';
import { retryWithJitter } from './retry-with-jitter';

/** Fails `failures` times with `error`, then answers. */
function flaky(failures: number, error: unknown = new Error('ECONNRESET')) {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= failures) throw error;
    return 'done';
  };
  return { fn, attempts };
}

describe('retryWithJitter', () => {
  it('retries transient failures until the call succeeds', async () => {
    const { fn, attempts } = flaky(2);

    await expect(retryWithJitter(fn, { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 })).resolves.toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after the given attempts with the last error', async () => {
    const { fn, attempts } = flaky(10);

    await expect(retryWithJitter(fn, { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 })).rejects.toThrow('ECONNRESET');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('does not retry errors that are not transient, or that shouldRetry refuses', async () => {
    const invalid = flaky(1, new HexbaseError('BAD', 'validation', 'bad'));
    const refused = flaky(1);

    await expect(retryWithJitter(invalid.fn, { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 })).rejects.toMatchObject({ code: 'BAD' });
    await expect(retryWithJitter(refused.fn, { attempts: 5, baseDelayMs: 1, maxDelayMs: 5, shouldRetry: () => false })).rejects.toThrow('ECONNRESET');
    await expect(retryWithJitter(flaky(1, conflict('VERSION', 'stale')).fn, { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 })).rejects.toMatchObject({ code: 'VERSION' });
    expect(invalid.attempts).toEqual([1]);
    expect(refused.attempts).toEqual([1]);
  });

  it('waits a random share of a doubling ceiling, capped', async () => {
    const delays: number[] = [];
    const { fn } = flaky(4);

    await retryWithJitter(fn, { attempts: 5, baseDelayMs: 2, maxDelayMs: 10, random: () => 1, onRetry: (_error, _attempt, delayMs) => delays.push(delayMs) });

    expect(delays).toEqual([2, 4, 8, 10]);
  });

  it('waits at least the retryAfter the dependency asked for, within the cap', async () => {
    const delays: number[] = [];
    const { fn } = flaky(1, unavailable('BUSY', 'busy', 1));

    await retryWithJitter(fn, { attempts: 2, baseDelayMs: 1, maxDelayMs: 30, random: () => 0, onRetry: (_error, _attempt, delayMs) => delays.push(delayMs) });

    expect(delays).toEqual([30]);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    const { fn } = flaky(10);

    const retrying = retryWithJitter(fn, { attempts: 10, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1, signal: controller.signal, onRetry: () => controller.abort(new Error('shutting down')) });

    await expect(retrying).rejects.toThrow('shutting down');
  });
});
