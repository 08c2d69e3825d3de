import type { Metrics } from '@hexbase/observability';
import type { OutboxRelayStore } from '@hexbase/ports';
import type { BreakerRegistry } from '@hexbase/resilience';

/** Outbox lag and breaker state, read when Prometheus scrapes; returns the published-events counter. */
export function registerRelayMetrics(metrics: Metrics, outbox: OutboxRelayStore, breakers: BreakerRegistry) {
  let lag: Promise<{ pending: number; oldestAgeSeconds: number }> | undefined;
  const readLag = () => (lag ??= outbox.lag().finally(() => setTimeout(() => (lag = undefined), 0)));
  metrics.gauge({
    name: 'hexbase_outbox_pending',
    help: 'Events in the outbox not yet published',
    async collect() {
      this.set((await readLag()).pending);
    },
  });
  metrics.gauge({
    name: 'hexbase_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox event',
    async collect() {
      this.set((await readLag()).oldestAgeSeconds);
    },
  });
  metrics.gauge({
    name: 'hexbase_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['breaker'],
    collect() {
      for (const breaker of breakers.states()) this.set({ breaker: breaker.name }, breaker.state === 'open' ? 2 : breaker.state === 'half_open' ? 1 : 0);
    },
  });
  return metrics.counter({ name: 'hexbase_outbox_published_total', help: 'Events published from the outbox' });
}
