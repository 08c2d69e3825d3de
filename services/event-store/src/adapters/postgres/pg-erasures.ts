import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Erasures } from '../../application/ports';
import { dataPathOf, ERASED_DATA } from '../../domain/erasure';

/**
 * Erasure in PostgreSQL, in one transaction: the matching events' `data` (the only column that
 * holds the payload; `envelope` is stored without it), the outbox copies of those events not yet
 * published, and the snapshots of their streams.
 */
export function createPgErasures(pool: pg.Pool): Erasures {
  return {
    async erase(tenantId, selector) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows: erased } = await client.query<{ event_id: string; stream_id: string }>(
          `UPDATE events SET data = $5::jsonb, envelope = envelope - 'data', erased_at = now()
           WHERE tenant_id = $1 AND erased_at IS NULL
             AND ($2::text[] IS NULL OR stream_id = ANY($2::text[]))
             AND ($3::text[] IS NULL OR data #> $3::text[] = $4::jsonb)
           RETURNING event_id, stream_id`,
          [tenantId, selector.streams ?? null, selector.field === undefined ? null : dataPathOf(selector.field), selector.value === undefined ? null : JSON.stringify(selector.value), JSON.stringify(ERASED_DATA)],
        );
        if (erased.length > 0) {
          await client.query(`UPDATE outbox SET envelope = jsonb_set(envelope, '{data}', $2::jsonb) WHERE event_id = ANY($1::uuid[])`, [erased.map((row) => row.event_id), JSON.stringify(ERASED_DATA)]);
          await client.query('DELETE FROM snapshots WHERE tenant_id = $1 AND stream_id = ANY($2::text[])', [tenantId, [...new Set(erased.map((row) => row.stream_id))]]);
        }
        const { rows } = await client.query<{ id: string; created_at: Date }>('INSERT INTO erasures (id, tenant_id, selector, events_erased) VALUES ($1, $2, $3, $4) RETURNING id, created_at', [
          randomUUID(),
          tenantId,
          JSON.stringify(selector),
          erased.length,
        ]);
        await client.query('COMMIT');
        return { id: rows[0]!.id, eventsErased: erased.length, createdAt: rows[0]!.created_at.toISOString() };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
