import { fileURLToPath } from 'node:url';
import { applyMigrations, createPgPool } from '@hexbase/db';
import type pg from 'pg';

export const EVENT_STORE_SCHEMA = 'event_store';
export const EVENT_STORE_MIGRATIONS = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export async function migrateEventStore(databaseUrl: string): Promise<void> {
  await applyMigrations({ databaseUrl, schema: EVENT_STORE_SCHEMA, migrationsDir: EVENT_STORE_MIGRATIONS });
}

/** A pool whose sessions resolve unqualified names in the event store's schema, as main.ts creates it. */
export function createEventStorePool(databaseUrl: string, max = 10): pg.Pool {
  return createPgPool(databaseUrl, EVENT_STORE_SCHEMA, { max });
}

/**
 * Ends a pool and waits until each of its connections has closed: `pool.end()` resolves as soon as
 * it has asked them to, and dropping the database before they are gone fails them.
 */
export async function endPool(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let closed = 0;
  const allClosed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      closed += 1;
      if (closed === open) resolve();
    });
  });
  await pool.end();
  await allClosed;
}
