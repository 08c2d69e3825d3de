import type pg from 'pg';
import type { EventEnvelope } from '@hexbase/contracts';
import type { OutboxRelayStore, OutboxWakeups } from '@hexbase/ports';

/**
 * The outbox of one service as its relay sees it: the table `outbox` (position bigserial,
 * event_id, stream_id, envelope, created_at) in the pool's schema. One relay at a time holds the
 * transaction-scoped advisory lock `lockKey` while it publishes a batch, so the events of a stream
 * leave in position (= version) order even with several relay processes; rows are deleted in the
 * same transaction once the broker confirmed them. Each service passes its own lock key: the
 * lock is database-wide and services may share a database.
 */
export function createPgOutboxRelayStore(pool: pg.Pool, options: { lockKey: number }): OutboxRelayStore {
  return {
    async relayBatch(limit, publish) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const published = await relayLockedBatch(client, options.lockKey, limit, publish);
        await client.query('COMMIT');
        return published;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    async lag() {
      const { rows } = await pool.query<{ pending: string; oldest: number | null }>(
        'SELECT count(*) AS pending, EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS oldest FROM outbox',
      );
      return { pending: Number(rows[0]?.pending ?? 0), oldestAgeSeconds: Math.max(0, rows[0]?.oldest ?? 0) };
    },
  };
}

async function relayLockedBatch(client: pg.PoolClient, lockKey: number, limit: number, publish: (events: EventEnvelope[]) => Promise<void>): Promise<number> {
  const { rows: lock } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [lockKey]);
  if (!lock[0]?.locked) return 0;
  const { rows } = await client.query<{ position: string; envelope: EventEnvelope }>('SELECT position, envelope FROM outbox ORDER BY position LIMIT $1', [limit]);
  if (rows.length === 0) return 0;
  await publish(rows.map((row) => row.envelope));
  await client.query('DELETE FROM outbox WHERE position = ANY($1::bigint[])', [rows.map((row) => row.position)]);
  return rows.length;
}

/** LISTEN on `channel` over a dedicated connection; reconnects after errors. */
export function createPgOutboxWakeups(connect: () => Promise<pg.Client>, channel: string): OutboxWakeups {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`outbox channel "${channel}" must be a lower-case SQL identifier`);
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
          await client.query(`LISTEN ${channel}`);
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
