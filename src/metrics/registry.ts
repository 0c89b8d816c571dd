/**
 * The prom-client registry of the main thread, built from names.ts, plus process metrics.
 * Workers report counters in their acks (deltas), so a restarted worker never resets a counter.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, type MetricKey } from './names.js';

type MetricOf<K extends MetricKey> = (typeof METRICS)[K]['type'] extends 'counter'
  ? Counter<string>
  : (typeof METRICS)[K]['type'] extends 'gauge'
    ? Gauge<string>
    : Histogram<string>;

export type Metrics = { [K in MetricKey]: MetricOf<K> };

export function createMetrics(registry: Registry = new Registry()): { registry: Registry; metrics: Metrics } {
  const metrics = {} as Record<MetricKey, Counter<string> | Gauge<string> | Histogram<string>>;
  for (const [key, spec] of Object.entries(METRICS) as [MetricKey, (typeof METRICS)[MetricKey]][]) {
    const common = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
    metrics[key] =
      spec.type === 'counter'
        ? new Counter(common)
        : spec.type === 'gauge'
          ? new Gauge(common)
          : new Histogram({ ...common, buckets: [...('buckets' in spec ? spec.buckets : [])] });
  }
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters (promtool check metrics flags them, prometheus/client_js#283);
  // each is the sum of the by-type gauge without the suffix.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  return { registry, metrics: metrics as Metrics };
}
