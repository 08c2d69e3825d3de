import type pg from 'pg';
import type { RecordChange } from '../../domain/index-change';
import { indexedDocument } from '../../domain/indexed-document';
import type { SearchSettings } from '../../domain/index-settings';

export type SqlClient = Pick<pg.PoolClient, 'query'>;

/** A generation changes are written to, with the settings it is built with. */
export interface GenerationTarget {
  generation: number;
  settings: SearchSettings | null;
}

/** The generations live changes go to: the active one first, then the one being built, if any. */
export interface LockedIndex {
  targets: GenerationTarget[];
  activeGeneration: number;
  buildingGeneration: number | null;
  settingsVersion: number;
}

/**
 * Locks a collection's index row (FOR SHARE for document changes, so they run side by side; FOR
 * UPDATE for settings changes and swaps, which then wait for them) and reads its live
 * generations. Creates the index, with an empty active generation 1, the first time a
 * collection is heard of.
 */
export async function lockIndex(client: SqlClient, tenantId: string, collection: string, mode: 'SHARE' | 'UPDATE'): Promise<LockedIndex> {
  for (;;) {
    // The lock is taken on the index row alone: a statement that waited for the lock sees the row as
    // committed by the holder, but any row it joined would still be from before (read committed),
    // and a rebuild's settings are written in the transaction that set building_generation.
    const { rows } = await client.query<{ active_generation: number; building_generation: number | null; settings_version: number }>(
      `SELECT active_generation, building_generation, settings_version FROM indexes WHERE tenant_id = $1 AND collection = $2 FOR ${mode}`,
      [tenantId, collection],
    );
    const row = rows[0];
    if (row) {
      const generations = [row.active_generation, ...(row.building_generation === null ? [] : [row.building_generation])];
      const { rows: settings } = await client.query<{ generation: number; settings: SearchSettings | null }>(
        'SELECT generation, settings FROM generations WHERE tenant_id = $1 AND collection = $2 AND generation = ANY($3::int[])',
        [tenantId, collection, generations],
      );
      const settingsOf = new Map(settings.map((generation) => [generation.generation, generation.settings]));
      return {
        targets: generations.map((generation) => ({ generation, settings: settingsOf.get(generation) ?? null })),
        activeGeneration: row.active_generation,
        buildingGeneration: row.building_generation,
        settingsVersion: row.settings_version,
      };
    }
    // A concurrent creator makes this insert wait for its commit and then do nothing.
    const created = await client.query(
      `INSERT INTO indexes (tenant_id, collection, settings, settings_version, active_generation) VALUES ($1, $2, NULL, 0, 1) ON CONFLICT DO NOTHING`,
      [tenantId, collection],
    );
    if (created.rowCount === 1) {
      await client.query(
        `INSERT INTO generations (tenant_id, collection, generation, settings, settings_version, source, status, started_at, finished_at)
         VALUES ($1, $2, 1, NULL, 0, 'initial', 'active', now(), now())`,
        [tenantId, collection],
      );
    }
  }
}

const UPSERT_DOCUMENTS = `
  WITH written AS (
  INSERT INTO documents AS d (tenant_id, collection, generation, record_id, version, deleted, purged, data, facets, vector, updated_at)
  SELECT $1, $2, $3, c.record_id, c.version, c.kind <> 'upsert', c.kind = 'purge', COALESCE(c.data, '{}'::jsonb), COALESCE(c.facets, '{}'::jsonb),
         CASE WHEN c.kind = 'upsert' AND $4::text IS NOT NULL THEN
           setweight(to_tsvector($4::regconfig, c.text_a), 'A') || setweight(to_tsvector($4::regconfig, c.text_b), 'B') ||
           setweight(to_tsvector($4::regconfig, c.text_c), 'C') || setweight(to_tsvector($4::regconfig, c.text_d), 'D')
         END,
         now()
    FROM unnest($5::text[], $6::int[], $7::text[], $8::jsonb[], $9::jsonb[], $10::text[], $11::text[], $12::text[], $13::text[])
      AS c(record_id, version, kind, data, facets, text_a, text_b, text_c, text_d)
  ON CONFLICT (tenant_id, collection, generation, record_id) DO UPDATE SET
    version = EXCLUDED.version,
    deleted = EXCLUDED.deleted,
    purged = EXCLUDED.purged,
    data = CASE WHEN EXCLUDED.purged THEN '{}'::jsonb WHEN EXCLUDED.deleted THEN d.data ELSE EXCLUDED.data END,
    facets = CASE WHEN EXCLUDED.purged THEN '{}'::jsonb WHEN EXCLUDED.deleted THEN d.facets ELSE EXCLUDED.facets END,
    vector = CASE WHEN EXCLUDED.purged THEN NULL WHEN EXCLUDED.deleted THEN d.vector ELSE EXCLUDED.vector END,
    updated_at = now()
  WHERE d.version < EXCLUDED.version
  RETURNING d.record_id
  ),
  -- The words of the documents written join the lexicon; sorted, so that concurrent writers take
  -- its row locks in one order and cannot deadlock.
  words AS (
    INSERT INTO lexicon (tenant_id, collection, generation, word)
    SELECT DISTINCT $1, $2, $3, w.word FROM unnest($14::text[], $15::text[]) AS w(record_id, word)
     WHERE w.record_id IN (SELECT record_id FROM written)
     ORDER BY 4
    ON CONFLICT DO NOTHING
  )
  SELECT record_id FROM written`;

/**
 * Writes record changes into one generation, each only where the generation holds an older
 * version of the record (or none): the newest version wins whatever the order of arrival. A
 * delete keeps the data (hidden) for a later restore, a purge empties it. The words of the
 * documents written join the generation's lexicon, in the same statement. Returns the ids written.
 */
export async function applyChanges(client: SqlClient, tenantId: string, collection: string, target: GenerationTarget, changes: RecordChange[]): Promise<string[]> {
  const newest = new Map<string, RecordChange>();
  for (const change of changes) {
    const seen = newest.get(change.recordId);
    if (!seen || seen.version < change.version) newest.set(change.recordId, change);
  }
  if (newest.size === 0) return [];
  const rows = [...newest.values()].sort((left, right) => (left.recordId < right.recordId ? -1 : 1));
  const documents = rows.map((change) => (change.kind === 'upsert' ? indexedDocument(target.settings, change.data) : undefined));
  const { rows: written } = await client.query<{ record_id: string }>(UPSERT_DOCUMENTS, [
    tenantId,
    collection,
    target.generation,
    target.settings?.language ?? null,
    rows.map((change) => change.recordId),
    rows.map((change) => change.version),
    rows.map((change) => change.kind),
    rows.map((change) => (change.kind === 'upsert' ? JSON.stringify(change.data) : null)),
    documents.map((document) => (document ? JSON.stringify(document.facets) : null)),
    documents.map((document) => document?.texts.A ?? ''),
    documents.map((document) => document?.texts.B ?? ''),
    documents.map((document) => document?.texts.C ?? ''),
    documents.map((document) => document?.texts.D ?? ''),
    rows.flatMap((change, index) => (documents[index]?.words ?? []).map(() => change.recordId)),
    rows.flatMap((_, index) => documents[index]?.words ?? []),
  ]);
  return written.map((row) => row.record_id);
}

/** Row states of a generation turned back into changes (a copy or a merge between generations). */
export interface DocumentRow {
  record_id: string;
  version: number;
  deleted: boolean;
  purged: boolean;
  data: Record<string, unknown>;
}

export function changeOfRow(tenantId: string, collection: string, row: DocumentRow): RecordChange {
  const base = { tenantId, collection, recordId: row.record_id, version: row.version };
  if (row.purged) return { kind: 'purge', ...base };
  if (row.deleted) return { kind: 'delete', ...base };
  return { kind: 'upsert', ...base, data: row.data };
}

/** Removes a generation that no search reads any more (retired, or a failed rebuild). */
export async function dropGeneration(pool: pg.Pool, tenantId: string, collection: string, generation: number): Promise<void> {
  await pool.query('DELETE FROM documents WHERE tenant_id = $1 AND collection = $2 AND generation = $3', [tenantId, collection, generation]);
  await pool.query('DELETE FROM lexicon WHERE tenant_id = $1 AND collection = $2 AND generation = $3', [tenantId, collection, generation]);
}
