import { isHexbaseError } from '@hexbase/contracts';

export interface RetryOptions {
  /** Total attempts, the first one included. */
  attempts: number;
  /** Ceiling of the first wait; doubles per attempt. */
  baseDelayMs: number;
  /** Cap of any wait. */
  maxDelayMs: number;
  /** Default `isTransientError`. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait, e.g. to log. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Stops waiting and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Replaces Math.random, for tests. */
  random?: () => number;
}

/** Errors worth retrying: anything that is not a HexbaseError, and kinds unavailable, internal and rate_limited. */
export function isTransientError(error: unknown): boolean {
  return !isHexbaseError(error) || error.kind === 'unavailable' || error.kind === 'internal' || error.kind === 'rate_limited';
}

/**
 * Calls `fn` until it resolves, at most `attempts` times, waiting between attempts a random time
 * up to `min(maxDelayMs, baseDelayMs * 2^(attempt-1))` ("full jitter", so retrying callers do not
 * move in lockstep) and at least the error's `retryAfter` extension (seconds, capped at
 * `maxDelayMs`). Rejects with the last error when attempts run out or `shouldRetry` says no.
 */
export async function retryWithJitter<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isTransientError;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !shouldRetry(error, attempt)) throw error;
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(Math.max(random() * ceiling, Math.min(options.maxDelayMs, retryAfterMs(error))));
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}

function retryAfterMs(error: unknown): number {
  const seconds = isHexbaseError(error) ? Number(error.extensions.retryAfter) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
