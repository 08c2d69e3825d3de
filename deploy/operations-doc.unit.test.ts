import { describe, expect, it } from 'vitest';
import { readRepoFile } from './support/deploy-manifest';

const doc = readRepoFile('docs/operations.md');

/** The rows of the "Metrics" table: `| \`name\` | type | ...`. */
function metricTable(markdown: string): Map<string, string> {
  const section = markdown.slice(markdown.indexOf('### Metrics'), markdown.indexOf('### Alerts'));
  return new Map([...section.matchAll(/^\| `(hexbase_[a-z0-9_]+)` \| (\w+) \|/gm)].map((row) => [row[1]!, row[2]!]));
}

/** Every Hexbase series an expression uses, histogram suffixes folded into the metric name. */
function metricsUsed(markdown: string, table: Map<string, string>): Set<string> {
  const used = new Set<string>();
  for (const [name] of markdown.matchAll(/\bhexbase_[a-z0-9_]+/g)) {
    const histogram = name.replace(/_(bucket|count|sum)$/, '');
    used.add(table.get(histogram) === 'histogram' ? histogram : name);
  }
  return used;
}

describe('docs/operations.md', () => {
  const table = metricTable(doc);

  it('lists the metrics operators rely on in one table', () => {
    expect([...table.keys()]).toEqual(
      expect.arrayContaining(['hexbase_outbox_pending', 'hexbase_outbox_oldest_age_seconds', 'hexbase_breaker_state', 'hexbase_http_request_duration_seconds', 'hexbase_consumer_messages_total']),
    );
  });

  it('uses no metric outside that table', () => {
    expect([...metricsUsed(doc, table)].filter((name) => !table.has(name))).toEqual([]);
  });

  it('notices an alert on a metric the table does not list', () => {
    const withStray = `${doc}\n| Stray | \`rate(hexbase_outbox_publish_errors_total[5m]) > 0\` | 5m | |`;
    expect([...metricsUsed(withStray, table)].filter((name) => !table.has(name))).toEqual(['hexbase_outbox_publish_errors_total']);
  });
});
