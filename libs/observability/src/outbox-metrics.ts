import type { Counter } from 'prom-client';
import type { Metrics } from './metrics';

/** What the metrics need of an outbox (libs/ports' OutboxRelayStore has it). */
export interface OutboxLag {
  lag(): Promise<{ pending: number; oldestAgeSeconds: number }>;
}

/**
 * `hexbase_outbox_pending` and `hexbase_outbox_oldest_age_seconds`, read from the outbox when
 * Prometheus scrapes; returns the `hexbase_outbox_published_total` counter for the relay to count with.
 */
export function registerOutboxMetrics(metrics: Metrics, outbox: OutboxLag): Counter {
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
  return metrics.counter({ name: 'hexbase_outbox_published_total', help: 'Events published from the outbox' });
}
