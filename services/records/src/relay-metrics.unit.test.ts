import { describe, expect, it } from 'vitest';
import { createMetrics } from '@hexbase/observability';
import { createBreaker, createBreakerRegistry } from '@hexbase/resilience';
import { registerRelayMetrics } from './relay-metrics';

describe('relay metrics', () => {
  it('expose the outbox lag, the published count and the breaker states at scrape time', async () => {
    const metrics = createMetrics({ service: 'records-relay', defaultMetrics: false });
    const registry = createBreakerRegistry();
    const breaker = createBreaker('rabbitmq', async () => {
      throw new Error('down');
    }, { registry, volumeThreshold: 1, errorThresholdPercentage: 1 });
    let pending = 7;
    const published = registerRelayMetrics(metrics, { relayBatch: async () => 0, lag: async () => ({ pending, oldestAgeSeconds: 2.5 }) }, registry);
    published.inc(3);
    await breaker.fire().catch(() => undefined);

    const text = await metrics.registry.metrics();
    expect(text).toContain('hexbase_outbox_pending{service="records-relay"} 7');
    expect(text).toContain('hexbase_outbox_oldest_age_seconds{service="records-relay"} 2.5');
    expect(text).toContain('hexbase_outbox_published_total{service="records-relay"} 3');
    expect(text).toContain('hexbase_breaker_state{breaker="rabbitmq",service="records-relay"} 2');

    pending = 0;
    expect(await metrics.registry.metrics()).toContain('hexbase_outbox_pending{service="records-relay"} 0');
  });
});
