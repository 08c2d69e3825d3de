import { registerBreakerMetrics, registerOutboxMetrics, type Metrics } from '@hexbase/observability';
import type { OutboxRelayStore } from '@hexbase/ports';
import type { BreakerRegistry } from '@hexbase/resilience';

/** Outbox lag and breaker states, read when Prometheus scrapes; returns the published-events counter. */
export function registerRelayMetrics(metrics: Metrics, outbox: OutboxRelayStore, breakers: BreakerRegistry) {
  const published = registerOutboxMetrics(metrics, outbox);
  registerBreakerMetrics(metrics, breakers);
  return published;
}
