export type BreakerState = 'closed' | 'open' | 'half_open';

/** A breaker's state and its counts over the rolling window (default: the last 10 s). */
export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  failures: number;
  successes: number;
  rejects: number;
  timeouts: number;
}

export interface BreakerStateChange {
  name: string;
  state: BreakerState;
  previous: BreakerState;
}

/** What the registry needs from a breaker. */
export interface ObservableBreaker {
  readonly name: string;
  snapshot(): BreakerSnapshot;
  /** Returns a function that removes the listener. */
  onStateChange(listener: (change: BreakerStateChange) => void): () => void;
}

/**
 * The breakers of a process, for health checks (`states()`) and metrics (`onChange`).
 *
 * Guarantees: one entry per name, the most recently registered breaker wins (an app built
 * twice in one process, as tests do, replaces its breakers instead of piling them up);
 * `states()` is sorted by name; a listener that throws does not stop the others.
 */
export interface BreakerRegistry {
  /** Returns a function that removes this breaker (and only this one) from the registry. */
  register(breaker: ObservableBreaker): () => void;
  states(): BreakerSnapshot[];
  /** Called on every state change of every registered breaker. Returns a function that removes the listener. */
  onChange(listener: (change: BreakerStateChange) => void): () => void;
}

export function createBreakerRegistry(): BreakerRegistry {
  const entries = new Map<string, { breaker: ObservableBreaker; unsubscribe: () => void }>();
  const listeners = new Set<(change: BreakerStateChange) => void>();

  function announce(change: BreakerStateChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // Metrics must not break the breaker.
      }
    }
  }

  return {
    register(breaker) {
      entries.get(breaker.name)?.unsubscribe();
      const unsubscribe = breaker.onStateChange(announce);
      entries.set(breaker.name, { breaker, unsubscribe });
      return () => {
        const entry = entries.get(breaker.name);
        if (entry?.breaker !== breaker) return;
        entry.unsubscribe();
        entries.delete(breaker.name);
      };
    },
    states() {
      return [...entries.values()].map(({ breaker }) => breaker.snapshot()).sort((a, b) => a.name.localeCompare(b.name));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

let processRegistry: BreakerRegistry | undefined;

/** The process-wide registry `createBreaker` uses unless given another. */
export function breakerRegistry(): BreakerRegistry {
  processRegistry ??= createBreakerRegistry();
  return processRegistry;
}
