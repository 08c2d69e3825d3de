import type pg from 'pg';
import type { EventEnvelope } from '@hexbase/contracts';
import type { OutboxRelayStore, OutboxWakeups } from '@hexbase/ports';
import { inTransaction } from './pg-transaction';
import { OUTBOX_CHANNEL } from './pg-record-store';

/** Advisory lock key held by the relay working on the records outbox (any fixed 64-bit number). */
const RELAY_LOCK_KEY = 7_240_001;

/**
 * The records outbox as the relay sees it. One relay at a time holds a transaction-scoped advisory
 * lock while it publishes a batch, so the events of a stream leave in position (= version) order
 * even with several relay processes; rows are deleted in the same transaction once confirmed.
 */
export function createPgOutboxRelayStore(pool: pg.Pool): OutboxRelayStore {
  return {
    relayBatch: (limit, publish) =>
      inTransaction(pool, async (client) => {
        const { rows: lock } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
        if (!lock[0]?.locked) return 0;
        const { rows } = await client.query<{ position: string; envelope: EventEnvelope }>('SELECT position, envelope FROM outbox ORDER BY position LIMIT $1', [limit]);
        if (rows.length === 0) return 0;
        await publish(rows.map((row) => row.envelope));
        await client.query('DELETE FROM outbox WHERE position = ANY($1::bigint[])', [rows.map((row) => row.position)]);
        return rows.length;
      }),

    async lag() {
      const { rows } = await pool.query<{ pending: string; oldest: number | null }>(
        'SELECT count(*) AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest FROM outbox',
      );
      return { pending: Number(rows[0]?.pending ?? 0), oldestAgeSeconds: Math.max(0, rows[0]?.oldest ?? 0) };
    },
  };
}

/** LISTEN on the outbox channel over a dedicated connection; reconnects after errors. */
export function createPgOutboxWakeups(connect: () => Promise<pg.Client>): OutboxWakeups {
  return {
    async listen(onWake) {
      let client: pg.Client | undefined;
      let stopped = false;
      let retry: NodeJS.Timeout | undefined;
      const open = async () => {
        try {
          client = await connect();
          client.on('notification', () => onWake());
          client.on('error', () => reopen());
          await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
          onWake();
        } catch {
          reopen();
        }
      };
      const reopen = () => {
        client?.removeAllListeners();
        client?.end().catch(() => undefined);
        client = undefined;
        if (!stopped && !retry) retry = setTimeout(() => ((retry = undefined), void open()), 1000);
      };
      await open();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
  };
}
