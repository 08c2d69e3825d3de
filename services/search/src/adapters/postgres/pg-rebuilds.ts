import type pg from 'pg';
import { conflict, notFound } from '@hexbase/contracts';
import type { SearchSettings } from '../../domain/index-settings';
import type { GenerationBuilder, RebuildJob, RebuildProgress, Rebuilds, RebuildSource, RebuildStatus } from '../../application/ports';
import { applyChanges, changeOfRow, dropGeneration, lockIndex, type DocumentRow, type SqlClient } from './pg-documents';
import { inTransaction } from '@hexbase/db';

export interface PgRebuildOptions {
  /** How long each step renews a job's lease for. */
  leaseMs: number;
  /** Attempts before a failing rebuild is given up (status failed). */
  maxAttempts?: number;
  /** Delay before the first retry; it doubles with each attempt, up to five minutes. */
  retryDelayMs?: number;
}

interface GenerationRow {
  tenant_id: string;
  collection: string;
  generation: number;
  source: RebuildSource | 'initial';
  status: RebuildStatus;
  processed: string;
  total: string | null;
  attempts: number;
  checkpoint: string | null;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  active_generation: number;
}

const MERGE_BATCH = 1000;

/**
 * Rebuild jobs and generations in PostgreSQL. A job is a `generations` row: pending, then
 * building under a lease (owner and expiry), then active; the index row's
 * `building_generation` tells live updates to write to it as well. Swapping sets
 * `active_generation` in one transaction that holds the index row exclusively.
 */
export function createPgRebuilds(pool: pg.Pool, options: PgRebuildOptions): Rebuilds & GenerationBuilder {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 5_000;

  /** Locks the job's generation row if the job still holds its lease, and renews it; LEASE_LOST otherwise. */
  async function holdLease(client: SqlClient, job: RebuildJob): Promise<SearchSettings | null> {
    const { rows } = await client.query<{ settings: SearchSettings | null }>(
      `UPDATE generations SET lease_until = now() + make_interval(secs => $5::float8 / 1000)
        WHERE tenant_id = $1 AND collection = $2 AND generation = $3 AND status = 'building' AND lease_owner = $4
        RETURNING settings`,
      [job.tenantId, job.collection, job.generation, job.owner, options.leaseMs],
    );
    if (!rows[0]) throw conflict('LEASE_LOST', `the rebuild of ${job.collection} (generation ${job.generation}) is no longer held by ${job.owner}`);
    return rows[0].settings;
  }

  async function progressOf(client: SqlClient, tenantId: string, collection: string): Promise<RebuildProgress | undefined> {
    const { rows } = await client.query<GenerationRow>(
      `SELECT g.*, i.active_generation FROM generations g JOIN indexes i ON i.tenant_id = g.tenant_id AND i.collection = g.collection
        WHERE g.tenant_id = $1 AND g.collection = $2 ORDER BY g.generation DESC LIMIT 1`,
      [tenantId, collection],
    );
    return rows[0] ? progressFromRow(rows[0]) : undefined;
  }

  return {
    request: (tenantId, collection) =>
      inTransaction(pool, async (client) => {
        const { rowCount } = await client.query('SELECT 1 FROM indexes WHERE tenant_id = $1 AND collection = $2 FOR UPDATE', [tenantId, collection]);
        if (!rowCount) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
        // Read after the lock is held, so a rebuild queued by a settings change just before is seen.
        const { rows } = await client.query<{ generation: number; status: string }>('SELECT generation, status FROM generations WHERE tenant_id = $1 AND collection = $2', [tenantId, collection]);
        const running = rows.find((row) => row.status === 'pending' || row.status === 'building');
        if (running) throw conflict('REINDEX_RUNNING', `a rebuild of ${collection} is already ${running.status} (generation ${running.generation})`, { generation: running.generation });
        const next = Math.max(...rows.map((row) => row.generation)) + 1;
        await client.query(`INSERT INTO generations (tenant_id, collection, generation, source, status) VALUES ($1, $2, $3, 'event-store', 'pending')`, [tenantId, collection, next]);
        return (await progressOf(client, tenantId, collection))!;
      }),

    progress: async (tenantId, collection) => progressOf(pool, tenantId, collection),

    claim: (owner, leaseMs) =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<GenerationRow>(
          `SELECT g.* FROM generations g JOIN indexes i ON i.tenant_id = g.tenant_id AND i.collection = g.collection
            WHERE (g.status = 'pending' AND i.building_generation IS NULL AND (g.retry_at IS NULL OR g.retry_at <= now()))
               OR (g.status = 'building' AND g.lease_until < now())
            ORDER BY g.requested_at LIMIT 1 FOR UPDATE OF g SKIP LOCKED`,
        );
        const candidate = rows[0];
        if (!candidate) return undefined;
        // Waits for live updates in flight, so each one after this commit also reaches the new generation.
        const index = await lockIndex(client, candidate.tenant_id, candidate.collection, 'UPDATE');
        const key = [candidate.tenant_id, candidate.collection, candidate.generation];
        const lease = `lease_owner = $4, lease_until = now() + make_interval(secs => $5::float8 / 1000)`;
        if (candidate.status === 'building') {
          await client.query(`UPDATE generations SET ${lease} WHERE tenant_id = $1 AND collection = $2 AND generation = $3`, [...key, owner, leaseMs]);
        } else {
          if (index.buildingGeneration !== null) return undefined;
          const total = candidate.source === 'settings' ? await countLive(client, candidate.tenant_id, candidate.collection, index.activeGeneration) : null;
          await client.query(
            `UPDATE generations g SET status = 'building', ${lease}, settings = i.settings, settings_version = i.settings_version,
                    attempts = g.attempts + 1, total = $6, started_at = COALESCE(g.started_at, now()), retry_at = NULL
               FROM indexes i WHERE i.tenant_id = g.tenant_id AND i.collection = g.collection AND g.tenant_id = $1 AND g.collection = $2 AND g.generation = $3`,
            [...key, owner, leaseMs, total],
          );
          await client.query('UPDATE indexes SET building_generation = $3 WHERE tenant_id = $1 AND collection = $2', key);
        }
        return {
          tenantId: candidate.tenant_id,
          collection: candidate.collection,
          generation: candidate.generation,
          source: candidate.source as RebuildSource,
          checkpoint: candidate.checkpoint ?? undefined,
          processed: Number(candidate.processed),
          owner,
        };
      }),

    async release(job, error) {
      const message = error instanceof Error ? error.message : String(error);
      const failed = await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ attempts: number }>(
          `SELECT attempts FROM generations WHERE tenant_id = $1 AND collection = $2 AND generation = $3 AND status = 'building' AND lease_owner = $4 FOR UPDATE`,
          [job.tenantId, job.collection, job.generation, job.owner],
        );
        if (!rows[0]) return false;
        await lockIndex(client, job.tenantId, job.collection, 'UPDATE');
        const giveUp = rows[0].attempts >= maxAttempts;
        await client.query(
          `UPDATE generations SET status = $4, error = $5, lease_owner = NULL, lease_until = NULL,
                  retry_at = CASE WHEN $4 = 'pending' THEN now() + make_interval(secs => $6::float8 / 1000) END,
                  finished_at = CASE WHEN $4 = 'failed' THEN now() END
            WHERE tenant_id = $1 AND collection = $2 AND generation = $3`,
          [job.tenantId, job.collection, job.generation, giveUp ? 'failed' : 'pending', message.slice(0, 2000), Math.min(300_000, retryDelayMs * 2 ** (rows[0].attempts - 1))],
        );
        // Until it is claimed again, live updates go to the active generation only; the swap merges them in.
        await client.query('UPDATE indexes SET building_generation = NULL WHERE tenant_id = $1 AND collection = $2 AND building_generation = $3', [job.tenantId, job.collection, job.generation]);
        return giveUp;
      });
      if (failed) await dropGeneration(pool, job.tenantId, job.collection, job.generation);
    },

    apply: (job, changes, checkpoint, eventsRead) =>
      inTransaction(pool, async (client) => {
        const settings = await holdLease(client, job);
        await applyChanges(client, job.tenantId, job.collection, { generation: job.generation, settings }, changes);
        await saveCheckpoint(client, job, checkpoint, eventsRead);
      }),

    copyFromActive: (job, limit) =>
      inTransaction(pool, async (client) => {
        const settings = await holdLease(client, job);
        const { rows } = await client.query<DocumentRow>(
          `SELECT d.record_id, d.version, d.deleted, d.purged, d.data FROM indexes i
             JOIN documents d ON d.tenant_id = i.tenant_id AND d.collection = i.collection AND d.generation = i.active_generation
            WHERE i.tenant_id = $1 AND i.collection = $2 AND d.record_id > $3 ORDER BY d.record_id LIMIT $4`,
          [job.tenantId, job.collection, job.checkpoint ?? '', limit],
        );
        if (rows.length === 0) return false;
        await applyChanges(client, job.tenantId, job.collection, { generation: job.generation, settings }, rows.map((row) => changeOfRow(job.tenantId, job.collection, row)));
        await saveCheckpoint(client, job, rows[rows.length - 1]!.record_id, rows.length);
        return rows.length === limit;
      }),

    async swapIn(job) {
      const retired = await inTransaction(pool, async (client) => {
        const settings = await holdLease(client, job);
        const index = await lockIndex(client, job.tenantId, job.collection, 'UPDATE');
        if (index.buildingGeneration !== job.generation) throw conflict('LEASE_LOST', `generation ${job.generation} of ${job.collection} is no longer being built`);
        // What the active generation holds newer: events the source had not received when it was read.
        const { rows } = await client.query<DocumentRow>(
          `SELECT a.record_id, a.version, a.deleted, a.purged, a.data FROM documents a
             LEFT JOIN documents b ON b.tenant_id = a.tenant_id AND b.collection = a.collection AND b.generation = $4 AND b.record_id = a.record_id
            WHERE a.tenant_id = $1 AND a.collection = $2 AND a.generation = $3 AND (b.record_id IS NULL OR b.version < a.version)`,
          [job.tenantId, job.collection, index.activeGeneration, job.generation],
        );
        for (let start = 0; start < rows.length; start += MERGE_BATCH) {
          const changes = rows.slice(start, start + MERGE_BATCH).map((row) => changeOfRow(job.tenantId, job.collection, row));
          await applyChanges(client, job.tenantId, job.collection, { generation: job.generation, settings }, changes);
        }
        await client.query(
          `UPDATE generations SET status = CASE WHEN generation = $4 THEN 'active' ELSE 'retired' END,
                  finished_at = now(), lease_owner = NULL, lease_until = NULL, error = NULL
            WHERE tenant_id = $1 AND collection = $2 AND generation IN ($3, $4)`,
          [job.tenantId, job.collection, index.activeGeneration, job.generation],
        );
        await client.query('UPDATE indexes SET active_generation = $3, building_generation = NULL, updated_at = now() WHERE tenant_id = $1 AND collection = $2', [
          job.tenantId,
          job.collection,
          job.generation,
        ]);
        return index.activeGeneration;
      });
      // Searches that began on the retired generation keep their snapshot of it.
      await dropGeneration(pool, job.tenantId, job.collection, retired);
    },
  };
}

async function saveCheckpoint(client: SqlClient, job: RebuildJob, checkpoint: string, processed: number): Promise<void> {
  job.checkpoint = checkpoint;
  job.processed += processed;
  await client.query('UPDATE generations SET checkpoint = $4, processed = processed + $5 WHERE tenant_id = $1 AND collection = $2 AND generation = $3', [
    job.tenantId,
    job.collection,
    job.generation,
    checkpoint,
    processed,
  ]);
}

async function countLive(client: SqlClient, tenantId: string, collection: string, generation: number): Promise<number> {
  const { rows } = await client.query<{ total: string }>('SELECT count(*) AS total FROM documents WHERE tenant_id = $1 AND collection = $2 AND generation = $3', [tenantId, collection, generation]);
  return Number(rows[0]!.total);
}

function progressFromRow(row: GenerationRow): RebuildProgress {
  return {
    generation: row.generation,
    source: row.source,
    status: row.status,
    processed: Number(row.processed),
    total: row.total === null ? null : Number(row.total),
    attempts: row.attempts,
    activeGeneration: row.active_generation,
    requestedAt: row.requested_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}
