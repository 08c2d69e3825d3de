import type pg from 'pg';
import type { Snapshots } from '../../application/ports';
import type { RecordState } from '../../domain/record-state';

/** Snapshots of record streams in PostgreSQL (table `snapshots`, keyed by tenant, stream and version). */
export function createPgSnapshots(pool: pg.Pool): Snapshots {
  return {
    async latest(tenantId, streamId, atOrBelow) {
      const { rows } = await pool.query<{ state: RecordState }>(
        'SELECT state FROM snapshots WHERE tenant_id = $1 AND stream_id = $2 AND version <= $3 ORDER BY version DESC LIMIT 1',
        [tenantId, streamId, atOrBelow],
      );
      return rows[0]?.state;
    },

    async save(tenantId, streamId, state) {
      await pool.query('INSERT INTO snapshots (tenant_id, stream_id, version, state) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [tenantId, streamId, state.version, JSON.stringify(state)]);
    },
  };
}
