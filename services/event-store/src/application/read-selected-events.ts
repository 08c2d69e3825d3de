import { isSelected, storagePrefixOf, type EventSelector } from '../domain/event-selector';
import type { StoredEvent } from '../domain/stored-event';
import type { EventLog } from './ports';

export interface SelectedEventsQuery {
  tenantId: string;
  /** Events with a position strictly greater than this. */
  after: number;
  limit: number;
  selector: EventSelector;
  /** Stop at this position (included). */
  until?: number;
}

export interface SelectedEventsPage {
  items: StoredEvent[];
  /**
   * The position to read after next time. Every position up to it has been examined, so it can
   * be past the last item when later events did not match. Never below `after`.
   */
  lastPosition: number;
}

/** How many events one read examines at most when a filter expression decides in memory. */
const SCAN_BATCH = 500;
const MAX_SCANNED = 20_000;

/**
 * Reads the next events of a tenant's log that a selector picks, in position order. Types and the
 * stream prefix narrow the read in storage; a filter expression is evaluated on each envelope.
 *
 * Reading on from `lastPosition` never misses or repeats an event: the head is read first, and
 * the log guarantees that once the head is n every position up to n is visible, so a short read
 * has examined everything up to the head.
 */
export async function readSelectedEvents(log: EventLog, query: SelectedEventsQuery): Promise<SelectedEventsPage> {
  const head = await log.headPosition();
  const end = query.until === undefined ? head : Math.min(head, query.until);
  const prefix = storagePrefixOf(query.selector);
  if (prefix === null || query.after >= end) return { items: [], lastPosition: Math.max(query.after, end) };

  const batch = query.selector.filter === undefined ? query.limit : Math.max(query.limit, SCAN_BATCH);
  const items: StoredEvent[] = [];
  let cursor = query.after;
  for (let scanned = 0; scanned < MAX_SCANNED; ) {
    const events = await log.readLog({
      tenantId: query.tenantId,
      after: cursor,
      limit: batch,
      ...(query.selector.types ? { types: query.selector.types } : {}),
      ...(prefix !== undefined ? { streamPrefix: prefix } : {}),
    });
    scanned += events.length;
    for (const stored of events) {
      if (query.until !== undefined && stored.position > query.until) return { items, lastPosition: query.until };
      cursor = stored.position;
      if (!isSelected(query.selector, stored.event)) continue;
      items.push(stored);
      if (items.length === query.limit) return { items, lastPosition: cursor };
    }
    if (events.length < batch) return { items, lastPosition: Math.max(cursor, end) };
  }
  return { items, lastPosition: cursor };
}
