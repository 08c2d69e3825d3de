import { HexbaseError, conflict, notFound, type EventEnvelope } from '@hexbase/contracts';
import { jsonFieldSqlExpression } from '@hexbase/filter';
import { createHash } from 'node:crypto';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import type { Collection as CollectionRow } from '../../generated/prisma/client';
import { fieldPathSegments, type Collection, type IndexedField } from '../../domain/collection';
import type { CollectionSearchSettings } from '../../domain/search-settings';
import type { Collections, IdempotentRequest, WriteOutcome } from '../../application/ports';
import { CLAIM_UNIQUE_VALUES_SQL } from './unique-values-sql';
import { OUTBOX_CHANNEL } from './pg-record-store';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Collection definitions through Prisma. Declared indexed fields get an expression index on the
 * records table, shared by every collection that indexes the same field the same way, built
 * CONCURRENTLY so writes to other collections never wait for it. Each definition change writes its
 * event to the records outbox in the same transaction, and wakes the relay.
 */
export function createPrismaCollections(prisma: PrismaClient): Collections {
  return {
    async get(tenantId, name) {
      const row = await prisma.collection.findUnique({ where: { tenantId_name: { tenantId, name } } });
      return row ? collectionFromRow(row) : undefined;
    },

    async list(tenantId) {
      const rows = await prisma.collection.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
      return rows.map(collectionFromRow);
    },

    async create(tenantId, definition, announce, idempotency) {
      await ensureIndexes(prisma, definition.indexedFields);
      return writeIdempotently(prisma, tenantId, idempotency, async (tx) => {
        const existing = await tx.collection.findUnique({ where: { tenantId_name: { tenantId, name: definition.name } } });
        if (existing) throw conflict('COLLECTION_EXISTS', `collection ${definition.name} already exists`);
        const row = await tx.collection.create({
          data: {
            tenantId,
            name: definition.name,
            description: definition.description,
            schema: definition.schema as object,
            uniqueFields: definition.uniqueFields,
            indexedFields: definition.indexedFields as unknown as object,
            search: definition.search ? (definition.search as unknown as object) : Prisma.DbNull,
            version: 1,
          },
        });
        const created = collectionFromRow(row);
        await appendToOutbox(tx, announce(created));
        return created;
      });
    },

    async update(tenantId, name, change, idempotency) {
      // Indexes are built before the transaction: a concurrent build waits for every open transaction.
      const preview = await this.get(tenantId, name);
      if (preview) await ensureIndexes(prisma, change(preview).collection.indexedFields);
      return writeIdempotently(prisma, tenantId, idempotency, async (tx) => {
        const locked = await tx.$queryRaw<Array<{ name: string }>>`SELECT name FROM collections WHERE tenant_id = ${tenantId} AND name = ${name} FOR UPDATE`;
        if (locked.length === 0) throw notFound('COLLECTION_NOT_FOUND', `collection ${name} does not exist`);
        const current = collectionFromRow(await tx.collection.findUniqueOrThrow({ where: { tenantId_name: { tenantId, name } } }));
        const { collection: next, event } = change(current);
        await reclaimUniqueValues(tx, current, next);
        const row = await tx.collection.update({
          where: { tenantId_name: { tenantId, name } },
          data: {
            description: next.description,
            schema: next.schema as object,
            uniqueFields: next.uniqueFields,
            indexedFields: next.indexedFields as unknown as object,
            search: next.search ? (next.search as unknown as object) : Prisma.DbNull,
            version: next.version,
            updatedAt: next.updatedAt,
          },
        });
        await appendToOutbox(tx, event);
        return collectionFromRow(row);
      });
    },
  };
}

/** Releases values of fields no longer unique and claims those of newly unique fields from the records already stored. */
async function reclaimUniqueValues(tx: Tx, current: Collection, next: Collection): Promise<void> {
  const removed = current.uniqueFields.filter((field) => !next.uniqueFields.includes(field));
  const added = next.uniqueFields.filter((field) => !current.uniqueFields.includes(field));
  if (removed.length > 0) {
    await tx.$executeRaw`DELETE FROM unique_values WHERE tenant_id = ${current.tenantId} AND collection = ${current.name} AND field = ANY(${removed}::text[])`;
  }
  if (added.length === 0) return;
  const lost = await tx.$queryRawUnsafe<Array<{ field: string; value: string }>>(CLAIM_UNIQUE_VALUES_SQL, current.tenantId, current.name, added, null);
  const duplicate = lost[0];
  if (duplicate) {
    const field = `/uniqueFields/${next.uniqueFields.indexOf(duplicate.field)}`;
    throw new HexbaseError('UNIQUE_VIOLATION', 'conflict', `records of ${current.name} already share ${duplicate.field} = ${duplicate.value}`, [
      { field, rule: 'unique', message: `${duplicate.field} cannot become unique while several records share a value` },
    ]);
  }
}

async function appendToOutbox(tx: Tx, event: EventEnvelope): Promise<void> {
  await tx.$executeRaw`INSERT INTO outbox (event_id, stream_id, envelope) VALUES (${event.id}::uuid, ${event.streamid}, ${JSON.stringify(event)}::jsonb)`;
  await tx.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
}

async function writeIdempotently(
  prisma: PrismaClient,
  tenantId: string,
  idempotency: IdempotentRequest | undefined,
  work: (tx: Tx) => Promise<Collection>,
): Promise<WriteOutcome<Collection>> {
  return prisma.$transaction(async (tx) => {
    if (idempotency) {
      const inserted = await tx.$executeRaw`INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status, headers, body)
        VALUES (${tenantId}, ${idempotency.key}, ${idempotency.fingerprint}, 0, '{}', 'null') ON CONFLICT (tenant_id, key) DO NOTHING`;
      if (inserted === 0) {
        const stored = await tx.idempotencyKey.findUnique({ where: { tenantId_key: { tenantId, key: idempotency.key } } });
        if (stored && stored.fingerprint !== idempotency.fingerprint) {
          throw new HexbaseError('IDEMPOTENCY_KEY_REUSED', 'validation', 'this Idempotency-Key was used for a different request', [
            { field: '/headers/idempotency-key', rule: 'reuse', message: 'an Idempotency-Key may be reused only for the identical request' },
          ]);
        }
        if (stored) return { replayed: true as const, result: reviveCollection(stored.body as Record<string, unknown>) };
      }
    }
    const result = await work(tx);
    if (idempotency) {
      await tx.idempotencyKey.update({ where: { tenantId_key: { tenantId, key: idempotency.key } }, data: { status: 200, body: result as unknown as object } });
    }
    return { replayed: false as const, result };
  });
}

function collectionFromRow(row: CollectionRow): Collection {
  const collection: Collection = {
    tenantId: row.tenantId,
    name: row.name,
    description: row.description,
    schema: row.schema as Record<string, unknown>,
    uniqueFields: row.uniqueFields,
    indexedFields: row.indexedFields as unknown as IndexedField[],
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  if (row.search !== null) collection.search = row.search as unknown as CollectionSearchSettings;
  return collection;
}

function reviveCollection(json: Record<string, unknown>): Collection {
  const collection = json as unknown as Collection;
  return { ...collection, createdAt: new Date(json.createdAt as string), updatedAt: new Date(json.updatedAt as string) };
}

/** The expression index behind an indexed field: the same expression the filter compiler emits. */
export function indexDefinition(field: IndexedField): { name: string; sql: string } {
  const expression = jsonFieldSqlExpression('data', fieldPathSegments(field.field), field.type);
  const name = `records_ix_${createHash('sha256').update(expression).digest('hex').slice(0, 20)}`;
  return { name, sql: `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${name}" ON records (tenant_id, collection, (${expression}))` };
}

async function ensureIndexes(prisma: PrismaClient, fields: IndexedField[]): Promise<void> {
  for (const field of fields) {
    const { name, sql } = indexDefinition(field);
    // A concurrent build that failed leaves an invalid index behind; IF NOT EXISTS would keep it forever.
    const invalid = await prisma.$queryRaw<Array<{ ok: boolean }>>`
      SELECT i.indisvalid AS ok FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ${name} AND c.relnamespace = current_schema()::regnamespace`;
    if (invalid[0] && !invalid[0].ok) await prisma.$executeRawUnsafe(`DROP INDEX CONCURRENTLY IF EXISTS "${name}"`);
    await prisma.$executeRawUnsafe(sql);
  }
}
