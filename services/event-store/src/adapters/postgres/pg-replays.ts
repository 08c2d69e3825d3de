import type pg from 'pg';
import type { Replays } from '../../application/ports';
import type { EventSelectorSpec } from '../../domain/event-selector';
import type { Replay, ReplayStatus } from '../../domain/replay';

interface ReplayRow {
  id: string;
  tenant_id: string;
  consumer: string;
  filter: EventSelectorSpec;
  from_position: string;
  to_position: string;
  total: string;
  published: string;
  status: ReplayStatus;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, tenant_id, consumer, filter, from_position, to_position, total, published, status, error, created_at, updated_at';

const toReplay = (row: ReplayRow): Replay => ({
  id: row.id,
  tenantId: row.tenant_id,
  consumer: row.consumer,
  selector: row.filter,
  fromPosition: Number(row.from_position),
  toPosition: Number(row.to_position),
  total: Number(row.total),
  published: Number(row.published),
  status: row.status,
  ...(row.error !== null ? { error: row.error } : {}),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Replays in `event_store.replays`; `updated_at` is the lease of a running replay. */
export function createPgReplays(pool: pg.Pool): Replays {
  return {
    async create(replay) {
      const { rows } = await pool.query<ReplayRow>(
        `INSERT INTO replays (id, tenant_id, consumer, filter, from_position, to_position, total, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running') RETURNING ${COLUMNS}`,
        [replay.id, replay.tenantId, replay.consumer, JSON.stringify(replay.selector), replay.fromPosition, replay.toPosition, replay.total],
      );
      return toReplay(rows[0]!);
    },
    async get(tenantId, id) {
      const { rows } = await pool.query<ReplayRow>(`SELECT ${COLUMNS} FROM replays WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return rows[0] ? toReplay(rows[0]) : undefined;
    },
    async recordProgress(id, published) {
      await pool.query(`UPDATE replays SET published = $2, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, published]);
    },
    async finish(id, outcome) {
      await pool.query(`UPDATE replays SET status = $2, error = $3, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, outcome.status, outcome.status === 'failed' ? outcome.error : null]);
    },
    async claimStale(staleMs) {
      const { rows } = await pool.query<ReplayRow>(
        `UPDATE replays SET published = 0, updated_at = now()
         WHERE status = 'running' AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
         RETURNING ${COLUMNS}`,
        [staleMs],
      );
      return rows.map(toReplay);
    },
  };
}
