import CircuitBreaker from 'opossum';
import { HTTP_STATUS_BY_KIND, HexbaseError, isHexbaseError } from '@hexbase/contracts';
import { breakerRegistry, type BreakerRegistry, type BreakerSnapshot, type BreakerState, type BreakerStateChange, type ObservableBreaker } from './breaker-registry';

export interface BreakerOptions {
  /** A call slower than this fails (and counts as a failure). Default 5000 ms. */
  timeout?: number;
  /** Opens when this share of calls in the rolling window failed. Default 50. */
  errorThresholdPercentage?: number;
  /** How long it stays open before letting one trial call through. Default 10 000 ms. */
  resetTimeout?: number;
  /** Calls needed in the window before it may open, so one early failure does not trip it. Default 5. */
  volumeThreshold?: number;
  /** Length of the rolling window. Default 10 000 ms. */
  rollingCountTimeout?: number;
  /** Errors that are the caller's fault: passed through, never counted as failures. Default `isCallerError`. */
  isCallerError?: (error: unknown) => boolean;
  /** Default: the process-wide `breakerRegistry()`. */
  registry?: BreakerRegistry;
}

export const BREAKER_DEFAULTS = {
  timeout: 5000,
  errorThresholdPercentage: 50,
  resetTimeout: 10_000,
  volumeThreshold: 5,
  rollingCountTimeout: 10_000,
} as const;

export interface Breaker<TArgs extends unknown[], TResult> extends ObservableBreaker {
  /** Calls the action through the breaker; see createBreaker for what it throws. */
  fire(...args: TArgs): Promise<TResult>;
  /** Stops its timers and removes it from its registry; later calls fail with DEPENDENCY_UNAVAILABLE. */
  shutdown(): void;
}

/**
 * A HexbaseError whose kind answers 4xx (validation, not_found, conflict, precondition_failed...)
 * except rate_limited: the dependency answered, the request was wrong.
 */
export function isCallerError(error: unknown): boolean {
  return isHexbaseError(error) && HTTP_STATUS_BY_KIND[error.kind] < 500 && error.kind !== 'rate_limited';
}

/**
 * A circuit breaker (opossum) around one dependency, registered under `name`.
 *
 * Guarantees:
 * - While open, and when a call times out, `fire` rejects with HexbaseError kind `unavailable`,
 *   code DEPENDENCY_UNAVAILABLE, extensions `{ retryAfter: seconds, dependency: name }`; while
 *   open it does so at once, without calling the action.
 * - Caller errors (`isCallerError`) are rethrown unchanged and never count towards opening.
 * - Any other error of the action is rethrown unchanged and counts as a failure.
 * - After `resetTimeout` it lets one trial call through (half_open): success closes it, failure
 *   opens it again.
 */
export function createBreaker<TArgs extends unknown[], TResult>(name: string, action: (...args: TArgs) => Promise<TResult>, options: BreakerOptions = {}): Breaker<TArgs, TResult> {
  const resetTimeout = options.resetTimeout ?? BREAKER_DEFAULTS.resetTimeout;
  const timeout = options.timeout ?? BREAKER_DEFAULTS.timeout;
  const isCallerFault = options.isCallerError ?? isCallerError;
  const circuit = new CircuitBreaker<TArgs, TResult>(action, {
    name,
    timeout,
    resetTimeout,
    errorThresholdPercentage: options.errorThresholdPercentage ?? BREAKER_DEFAULTS.errorThresholdPercentage,
    volumeThreshold: options.volumeThreshold ?? BREAKER_DEFAULTS.volumeThreshold,
    rollingCountTimeout: options.rollingCountTimeout ?? BREAKER_DEFAULTS.rollingCountTimeout,
    errorFilter: (error: unknown) => isCallerFault(error),
  });

  let state: BreakerState = 'closed';
  let openedAt = 0;
  const listeners = new Set<(change: BreakerStateChange) => void>();
  const moveTo = (next: BreakerState) => {
    const previous = state;
    state = next;
    if (next === 'open') openedAt = Date.now();
    if (previous === next) return;
    for (const listener of listeners) {
      try {
        listener({ name, state: next, previous });
      } catch {
        // An observer must not break the breaker.
      }
    }
  };
  circuit.on('open', () => moveTo('open'));
  circuit.on('halfOpen', () => moveTo('half_open'));
  circuit.on('close', () => moveTo('closed'));

  function retryAfterSeconds(): number {
    if (state !== 'open') return 1;
    return Math.max(1, Math.ceil((openedAt + resetTimeout - Date.now()) / 1000));
  }

  function unavailable(error: Error & { code?: string }): HexbaseError {
    const reason = error.code === 'ETIMEDOUT' ? `did not answer within ${timeout} ms` : error.code === 'EOPENBREAKER' ? 'is failing; calls are suspended' : error.message;
    return new HexbaseError('DEPENDENCY_UNAVAILABLE', 'unavailable', `${name} ${reason}`, [], { retryAfter: retryAfterSeconds(), dependency: name });
  }

  const breaker: Breaker<TArgs, TResult> = {
    name,
    async fire(...args) {
      try {
        return await circuit.fire(...args);
      } catch (error) {
        if (error instanceof Error && CircuitBreaker.isOurError(error)) throw unavailable(error);
        throw error;
      }
    },
    snapshot(): BreakerSnapshot {
      const { failures, successes, rejects, timeouts } = circuit.stats;
      return { name, state, failures, successes, rejects, timeouts };
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    shutdown() {
      unregister();
      circuit.shutdown();
    },
  };
  const unregister = (options.registry ?? breakerRegistry()).register(breaker);
  return breaker;
}
