import type pg from 'pg';
import { createPgOutboxRelayStore as createSchemaOutboxRelayStore, createPgOutboxWakeups as listenOnChannel } from '@hexbase/db';
import type { OutboxRelayStore, OutboxWakeups } from '@hexbase/ports';
import { OUTBOX_CHANNEL } from './pg-record-store';

/** Advisory lock key held by the relay working on the records outbox (any fixed 64-bit number). */
const RELAY_LOCK_KEY = 7_240_001;

/**
 * The records outbox as the relay sees it: one relay at a time publishes a batch under the
 * records lock, in position order, and deletes it once confirmed (see @hexbase/db).
 */
export function createPgOutboxRelayStore(pool: pg.Pool): OutboxRelayStore {
  return createSchemaOutboxRelayStore(pool, { lockKey: RELAY_LOCK_KEY });
}

/** LISTEN on the records outbox channel over a dedicated connection; reconnects after errors. */
export function createPgOutboxWakeups(connect: () => Promise<pg.Client>): OutboxWakeups {
  return listenOnChannel(connect, OUTBOX_CHANNEL);
}
