import type { Metrics } from './metrics';

/** What the metric needs of a breaker registry (libs/resilience's BreakerRegistry has it). */
export interface BreakerStates {
  states(): Array<{ name: string; state: 'closed' | 'open' | 'half_open' }>;
}

const STATE_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

/** `hexbase_breaker_state{breaker}`: 0 closed, 1 half-open, 2 open; read at scrape time. */
export function registerBreakerMetrics(metrics: Metrics, breakers: BreakerStates): void {
  metrics.gauge({
    name: 'hexbase_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['breaker'],
    collect() {
      for (const breaker of breakers.states()) this.set({ breaker: breaker.name }, STATE_VALUE[breaker.state]);
    },
  });
}
