import type pg from 'pg';
import { createPgOutboxRelayStore, createPgOutboxWakeups } from '@hexbase/db';
import type { OutboxRelayStore, OutboxWakeups } from '@hexbase/ports';

/** Channel the relay LISTENs on; notified in the transaction that writes outbox rows. */
export const OUTBOX_CHANNEL = 'hexbase_event_store_outbox';

/** Advisory lock key of the relay working on the event store's outbox (the records relay has its own). */
const RELAY_LOCK_KEY = 7_240_002;

/**
 * The event store's outbox (events appended directly through its API) as its relay sees it: one
 * relay at a time, in position order, rows deleted once the broker confirmed them (see @hexbase/db).
 */
export function createPgEventStoreOutbox(pool: pg.Pool): OutboxRelayStore {
  return createPgOutboxRelayStore(pool, { lockKey: RELAY_LOCK_KEY });
}

export function createPgEventStoreOutboxWakeups(connect: () => Promise<pg.Client>): OutboxWakeups {
  return createPgOutboxWakeups(connect, OUTBOX_CHANNEL);
}
