import { registerBreakerMetrics, type Metrics } from '@hexbase/observability';
import type { OutboxRelayStore } from '@hexbase/ports';
import type { BreakerRegistry } from '@hexbase/resilience';

/** Outbox lag and breaker states, read when Prometheus scrapes; returns the published-events counter. */
export function registerRelayMetrics(metrics: Metrics, outbox: OutboxRelayStore, breakers: BreakerRegistry) {
  metrics.gauge({
    name: 'hexbase_outbox_pending',
    help: 'Events in the outbox not yet published',
    async collect() {
      this.set((await outbox.lag()).pending);
    },
  });
  metrics.gauge({
    name: 'hexbase_outbox_oldest_age_seconds',
    help: 'Age of the oldest unpublished outbox event',
    async collect() {
      this.set((await outbox.lag()).oldestAgeSeconds);
    },
  });
  registerBreakerMetrics(metrics, breakers);
  return metrics.counter({ name: 'hexbase_outbox_published_total', help: 'Events published from the outbox' });
}
