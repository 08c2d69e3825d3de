import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics';

describe('createMetrics', () => {
  it('collects process metrics, all labelled with the service', async () => {
    const metrics = createMetrics({ service: 'records' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="records"\} /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="records"\} /m);
  });

  it('registers counters, gauges and histograms on its own registry', async () => {
    const metrics = createMetrics({ service: 'search', defaultMetrics: false });
    metrics.counter({ name: 'indexed_total', help: 'Documents indexed', labelNames: ['collection'] }).inc({ collection: 'orders' }, 2);
    metrics.gauge({ name: 'lag_events', help: 'Events behind' }).set(7);
    metrics.histogram({ name: 'index_seconds', help: 'Index time', buckets: [0.1, 1] }).observe(0.5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('indexed_total{collection="orders",service="search"} 2');
    expect(text).toContain('lag_events{service="search"} 7');
    expect(text).toContain('index_seconds_bucket{le="1",service="search"} 1');
    expect(text).not.toContain('process_cpu');
  });

  it('keeps registries apart, so two services in one process do not collide', () => {
    const first = createMetrics({ service: 'a', defaultMetrics: false });
    const second = createMetrics({ service: 'b', defaultMetrics: false });
    first.counter({ name: 'same_total', help: 'x' });
    expect(() => second.counter({ name: 'same_total', help: 'x' })).not.toThrow();
    expect(() => first.counter({ name: 'same_total', help: 'x' })).toThrow(/already been registered/);
  });
});
