import type pg from 'pg';
import type { StreamLifecycle } from '../../application/ports';
import type { StreamState } from '../../domain/stream-state';

interface StateRow {
  version: number;
  deleted_at: Date | null;
  truncated_before: number;
}

const toState = (row: StateRow): StreamState => ({
  version: row.version,
  truncatedBefore: row.truncated_before,
  ...(row.deleted_at ? { deletedAt: row.deleted_at.toISOString() } : {}),
});

/** Stream deletion in `event_store.streams`. A hard delete locks the stream's row, so no append interleaves. */
export function createPgStreamLifecycle(pool: pg.Pool): StreamLifecycle {
  async function setDeleted(tenantId: string, streamId: string, deleted: boolean): Promise<StreamState | undefined> {
    const { rows } = await pool.query<StateRow>(
      `UPDATE streams SET deleted_at = CASE WHEN $3 THEN COALESCE(deleted_at, now()) END WHERE tenant_id = $1 AND stream_id = $2 RETURNING version, deleted_at, truncated_before`,
      [tenantId, streamId, deleted],
    );
    return rows[0] ? toState(rows[0]) : undefined;
  }

  return {
    async state(tenantId, streamId) {
      const { rows } = await pool.query<StateRow>('SELECT version, deleted_at, truncated_before FROM streams WHERE tenant_id = $1 AND stream_id = $2', [tenantId, streamId]);
      return rows[0] ? toState(rows[0]) : undefined;
    },
    softDelete: (tenantId, streamId) => setDeleted(tenantId, streamId, true),
    restore: (tenantId, streamId) => setDeleted(tenantId, streamId, false),
    async hardDelete(tenantId, streamId) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rowCount } = await client.query('SELECT 1 FROM streams WHERE tenant_id = $1 AND stream_id = $2 FOR UPDATE', [tenantId, streamId]);
        if (!rowCount) {
          await client.query('ROLLBACK');
          return undefined;
        }
        const removed = await client.query('DELETE FROM events WHERE tenant_id = $1 AND stream_id = $2', [tenantId, streamId]);
        await client.query('DELETE FROM snapshots WHERE tenant_id = $1 AND stream_id = $2', [tenantId, streamId]);
        await client.query('DELETE FROM streams WHERE tenant_id = $1 AND stream_id = $2', [tenantId, streamId]);
        await client.query('COMMIT');
        return { eventsRemoved: removed.rowCount ?? 0 };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
