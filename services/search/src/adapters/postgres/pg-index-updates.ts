import type pg from 'pg';
import { needsRebuild } from '../../domain/index-settings';
import type { IndexUpdates } from '../../application/ports';
import { applyChanges, lockIndex } from './pg-documents';
import { inTransaction } from '@hexbase/db';

/**
 * The index kept in step with events, in PostgreSQL (schema `search`). A record change is
 * written to the active generation and to the one a rebuild is filling, under a share lock on
 * the index row that a swap waits for; a settings change takes that lock exclusively.
 */
export function createPgIndexUpdates(pool: pg.Pool): IndexUpdates {
  return {
    applyRecordChange: (change) =>
      inTransaction(pool, async (client) => {
        const index = await lockIndex(client, change.tenantId, change.collection, 'SHARE');
        let applied = false;
        for (const target of index.targets) {
          const written = await applyChanges(client, change.tenantId, change.collection, target, [change]);
          if (target.generation === index.activeGeneration) applied = written.length > 0;
        }
        return applied ? 'applied' : 'stale';
      }),

    applySettings: (change) =>
      inTransaction(pool, async (client) => {
        const index = await lockIndex(client, change.tenantId, change.collection, 'UPDATE');
        if (change.version <= index.settingsVersion) return 'stale';
        await client.query('UPDATE indexes SET settings = $3, settings_version = $4, updated_at = now() WHERE tenant_id = $1 AND collection = $2', [
          change.tenantId,
          change.collection,
          JSON.stringify(change.settings),
          change.version,
        ]);
        // Nothing to re-derive in an empty generation (a collection just defined): its settings change in place.
        const { rows: empty } = await client.query<{ generation: number }>(
          `SELECT g AS generation FROM unnest($3::int[]) AS g
            WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = $1 AND d.collection = $2 AND d.generation = g)`,
          [change.tenantId, change.collection, index.targets.map((target) => target.generation)],
        );
        const emptyGenerations = new Set(empty.map((row) => row.generation));
        let rebuild = false;
        for (const target of index.targets) {
          if (needsRebuild(target.settings, change.settings) && !emptyGenerations.has(target.generation)) {
            rebuild = true;
            continue;
          }
          // Query-time settings (filterable, sortable, synonyms, stop words...): the stored documents still fit.
          await client.query('UPDATE generations SET settings = $4, settings_version = $5 WHERE tenant_id = $1 AND collection = $2 AND generation = $3', [
            change.tenantId,
            change.collection,
            target.generation,
            JSON.stringify(change.settings),
            change.version,
          ]);
        }
        if (rebuild) {
          // One pending rebuild is enough: it takes the newest settings when it starts.
          await client.query(
            `INSERT INTO generations (tenant_id, collection, generation, source, status)
             SELECT $1, $2, max(generation) + 1, 'settings', 'pending' FROM generations g
              WHERE g.tenant_id = $1 AND g.collection = $2
                AND NOT EXISTS (SELECT 1 FROM generations p WHERE p.tenant_id = $1 AND p.collection = $2 AND p.status = 'pending')
             HAVING count(*) > 0`,
            [change.tenantId, change.collection],
          );
        }
        return 'applied';
      }),
  };
}
