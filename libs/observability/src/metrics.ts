import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

export interface MetricsOptions {
  service: string;
  /** Process metrics (CPU, memory, event loop lag, GC, handles). On unless turned off. */
  defaultMetrics?: boolean;
}

/**
 * One registry per service, every series labelled with `service`. The helpers register on that
 * registry; registering the same name twice throws, as prom-client does.
 */
export interface Metrics {
  readonly registry: Registry;
  counter<Labels extends string = string>(config: Omit<CounterConfiguration<Labels>, 'registers'>): Counter<Labels>;
  gauge<Labels extends string = string>(config: Omit<GaugeConfiguration<Labels>, 'registers'>): Gauge<Labels>;
  histogram<Labels extends string = string>(config: Omit<HistogramConfiguration<Labels>, 'registers'>): Histogram<Labels>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    counter: (config) => new Counter({ ...config, registers: [registry] }),
    gauge: (config) => new Gauge({ ...config, registers: [registry] }),
    histogram: (config) => new Histogram({ ...config, registers: [registry] }),
  };
}
