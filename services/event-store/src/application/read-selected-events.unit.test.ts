import { describe, expect, it } from 'vitest';
import { parseFilter } from '@hexbase/filter';
import { createMemoryEventLog } from '../adapters/memory/memory-event-log';
import { createPollingLogWatcher } from '../adapters/memory/polling-log-watcher';
import { testEvent } from './event-log.contract';
import { waitForSelectedEvents } from './follow-log';
import { readSelectedEvents } from './read-selected-events';

async function logWith(count: number) {
  const log = createMemoryEventLog();
  for (let n = 1; n <= count; n += 1) {
    await log.append(testEvent({ streamid: `orders/${n % 3}`, subject: `orders/${n % 3}`, streamversion: Math.ceil(n / 3), data: { data: { total: n } } }));
  }
  return log;
}

describe('reading the selected events of the log', () => {
  it('pages through a filtered log without missing or repeating an event, and reports how far it looked', async () => {
    const log = await logWith(30);
    const selector = { spec: {}, filter: parseFilter('data.data.total > 10 and data.data.total <= 25') };
    const seen: number[] = [];
    let after = 0;
    for (let page = await readSelectedEvents(log, { tenantId: 't1', after, limit: 4, selector }); ; page = await readSelectedEvents(log, { tenantId: 't1', after, limit: 4, selector })) {
      seen.push(...page.items.map((stored) => stored.position));
      expect(page.lastPosition).toBeGreaterThanOrEqual(after);
      if (page.items.length === 0) {
        expect(page.lastPosition).toBe(30);
        break;
      }
      after = page.lastPosition;
    }
    expect(seen).toEqual(Array.from({ length: 15 }, (_, index) => 11 + index));
  });

  it('stops at `until` and answers an impossible selection with an empty page at the head', async () => {
    const log = await logWith(12);
    expect(await readSelectedEvents(log, { tenantId: 't1', after: 2, limit: 100, selector: { spec: {} }, until: 6 })).toMatchObject({ lastPosition: 6, items: [{ position: 3 }, { position: 4 }, { position: 5 }, { position: 6 }] });
    expect(await readSelectedEvents(log, { tenantId: 't1', after: 0, limit: 100, selector: { spec: {}, collection: 'orders', streamPrefix: 'invoices/' } })).toEqual({ items: [], lastPosition: 12 });
  });

  it('long-polls: waits for the next selected event, and gives up with an empty page at the deadline', async () => {
    const log = await logWith(3);
    const watcher = createPollingLogWatcher(log, 5);
    const selector = { spec: {}, types: ['record.updated'] };
    const waiting = waitForSelectedEvents(log, watcher, { tenantId: 't1', after: 0, limit: 10, selector }, 10_000);
    await log.append(testEvent({ streamid: 'orders/9', subject: 'orders/9', type: 'record.created' }));
    await log.append(testEvent({ streamid: 'orders/9', subject: 'orders/9', type: 'record.updated', streamversion: 2 }));
    expect((await waiting).items.map((stored) => stored.position)).toEqual([5]);
    expect(await waitForSelectedEvents(log, watcher, { tenantId: 't1', after: 5, limit: 10, selector }, 30)).toEqual({ items: [], lastPosition: 5 });
  });
});
