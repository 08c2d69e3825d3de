import type pg from 'pg';
import type { Retention, RetentionOutcome } from '../../application/ports';
import { firstKeptVersion, type RetentionPolicy, type RetentionScope } from '../../domain/retention-policy';

interface PolicyRow {
  tenant_id: string;
  scope: RetentionScope;
  target: string;
  max_age_seconds: number | null;
  max_count: number | null;
  updated_at: Date;
}

interface StreamRow {
  stream_id: string;
  version: number;
  truncated_before: number;
  first_recent: number | null;
}

const COLUMNS = 'tenant_id, scope, target, max_age_seconds, max_count, updated_at';
/** Streams handled per transaction; their rows stay locked (appends to them wait) until it commits. */
const STREAMS_PER_TRANSACTION = 200;
/** Session advisory lock: one retention pass at a time across every event-store process. */
const RETENTION_LOCK = 0x45_52_45_54;

const toPolicy = (row: PolicyRow): RetentionPolicy => ({
  tenantId: row.tenant_id,
  scope: row.scope,
  target: row.target,
  ...(row.max_age_seconds !== null ? { maxAgeSeconds: row.max_age_seconds } : {}),
  ...(row.max_count !== null ? { maxCount: row.max_count } : {}),
  updatedAt: row.updated_at.toISOString(),
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * Retention in PostgreSQL. A pass takes each policy in turn and the streams it covers in batches:
 * in one transaction per batch it locks the streams' rows, computes each stream's first kept
 * version (firstKeptVersion), deletes the events below it and records it as `truncated_before`.
 */
export function createPgRetention(pool: pg.Pool): Retention {
  async function applyPolicy(client: pg.PoolClient, policy: RetentionPolicy, now: Date, outcome: RetentionOutcome): Promise<void> {
    const match = policy.scope === 'stream' ? 'stream_id = $2' : 'stream_id LIKE $2';
    const pattern = policy.scope === 'stream' ? policy.target : `${escapeLike(policy.target)}/%`;
    const cutoff = policy.maxAgeSeconds === undefined ? null : new Date(now.getTime() - policy.maxAgeSeconds * 1000);
    let after = '';
    for (;;) {
      const { rows: batch } = await client.query<{ stream_id: string }>(
        `SELECT stream_id FROM streams WHERE tenant_id = $1 AND ${match} AND stream_id > $3 ORDER BY stream_id LIMIT ${STREAMS_PER_TRANSACTION}`,
        [policy.tenantId, pattern, after],
      );
      if (batch.length === 0) return;
      after = batch.at(-1)!.stream_id;
      await client.query('BEGIN');
      try {
        const { rows: streams } = await client.query<StreamRow>(
          `SELECT s.stream_id, s.version, s.truncated_before,
                  (SELECT min(e.stream_version) FROM events e WHERE e.tenant_id = s.tenant_id AND e.stream_id = s.stream_id AND e.time >= $3) AS first_recent
           FROM streams s WHERE s.tenant_id = $1 AND s.stream_id = ANY($2::text[]) ORDER BY s.stream_id FOR UPDATE OF s`,
          [policy.tenantId, batch.map((row) => row.stream_id), cutoff],
        );
        const cuts = streams
          .map((stream) => ({ streamId: stream.stream_id, keepFrom: firstKeptVersion(stream.version, policy.maxCount, stream.first_recent ?? undefined, cutoff !== null), truncatedBefore: stream.truncated_before }))
          .filter((cut) => cut.keepFrom > cut.truncatedBefore);
        if (cuts.length > 0) {
          const ids = cuts.map((cut) => cut.streamId);
          const keep = cuts.map((cut) => cut.keepFrom);
          const removed = await client.query(
            `DELETE FROM events e USING unnest($2::text[], $3::int[]) AS cut(stream_id, keep_from)
             WHERE e.tenant_id = $1 AND e.stream_id = cut.stream_id AND e.stream_version < cut.keep_from`,
            [policy.tenantId, ids, keep],
          );
          await client.query(
            `UPDATE streams s SET truncated_before = cut.keep_from FROM unnest($2::text[], $3::int[]) AS cut(stream_id, keep_from)
             WHERE s.tenant_id = $1 AND s.stream_id = cut.stream_id`,
            [policy.tenantId, ids, keep],
          );
          outcome.eventsRemoved += removed.rowCount ?? 0;
          outcome.streamsTruncated += cuts.length;
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      if (batch.length < STREAMS_PER_TRANSACTION) return;
    }
  }

  return {
    async putPolicy(policy) {
      const { rows } = await pool.query<PolicyRow>(
        `INSERT INTO retention_policies (tenant_id, scope, target, max_age_seconds, max_count) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, scope, target) DO UPDATE SET max_age_seconds = EXCLUDED.max_age_seconds, max_count = EXCLUDED.max_count, updated_at = now()
         RETURNING ${COLUMNS}`,
        [policy.tenantId, policy.scope, policy.target, policy.maxAgeSeconds ?? null, policy.maxCount ?? null],
      );
      return toPolicy(rows[0]!);
    },
    async listPolicies(tenantId) {
      const { rows } = await pool.query<PolicyRow>(`SELECT ${COLUMNS} FROM retention_policies WHERE tenant_id = $1 ORDER BY scope, target`, [tenantId]);
      return rows.map(toPolicy);
    },
    async removePolicy(tenantId, scope, target) {
      const { rowCount } = await pool.query('DELETE FROM retention_policies WHERE tenant_id = $1 AND scope = $2 AND target = $3', [tenantId, scope, target]);
      return (rowCount ?? 0) > 0;
    },
    async apply({ tenantId, now }) {
      const client = await pool.connect();
      const outcome: RetentionOutcome = { eventsRemoved: 0, streamsTruncated: 0 };
      try {
        await client.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK]);
        try {
          const { rows } = await client.query<PolicyRow>(
            `SELECT ${COLUMNS} FROM retention_policies WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY tenant_id, scope, target`,
            [tenantId ?? null],
          );
          for (const policy of rows.map(toPolicy)) await applyPolicy(client, policy, now, outcome);
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
        }
        return outcome;
      } finally {
        client.release();
      }
    },
  };
}
