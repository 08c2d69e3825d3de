import type pg from 'pg';
import { compileFilterToSql } from '@hexbase/filter';
import { HexbaseError } from '@hexbase/contracts';
import type { Collection } from '../../domain/collection';
import { fieldPathSegments } from '../../domain/collection';
import type { RecordPage, RecordQuery } from '../../application/ports';
import { RECORD_COLUMNS, recordFromRow, type RecordRow } from './record-rows';

/** System fields a filter or sort may name, and the columns behind them. */
export const SYSTEM_COLUMNS = {
  id: { sql: 'r.id', type: 'text' },
  version: { sql: 'r.version', type: 'integer' },
  createdAt: { sql: 'r.created_at', type: 'timestamptz' },
  updatedAt: { sql: 'r.updated_at', type: 'timestamptz' },
  deletedAt: { sql: 'r.deleted_at', type: 'timestamptz' },
} as const;

type SortKey = { sql: string; cast: string; valueOf: (row: RecordRow) => unknown };

function sortKeyFor(field: string, params: unknown[]): SortKey {
  const system = SYSTEM_COLUMNS[field as keyof typeof SYSTEM_COLUMNS];
  if (system) {
    const column = system.sql.slice(2) as keyof RecordRow;
    return {
      sql: system.sql,
      cast: system.type === 'integer' ? 'int' : system.type,
      valueOf: (row) => {
        const value = row[column];
        return value instanceof Date ? value.toISOString() : value;
      },
    };
  }
  params.push(fieldPathSegments(field));
  const path = `$${params.length}::text[]`;
  return {
    sql: `COALESCE(r.data #> ${path}, 'null'::jsonb)`,
    cast: 'jsonb',
    valueOf: (row) => {
      let value: unknown = row.data;
      for (const segment of fieldPathSegments(field)) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
      return JSON.stringify(value ?? null);
    },
  };
}

/** Keyset pagination: the cursor holds the sort it belongs to and the sort value and id of the page's last row. */
function encodeCursor(sort: string, sortValue: unknown, id: string): string {
  return Buffer.from(JSON.stringify([sort, sortValue, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, sort: string): [unknown, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 3 && decoded[0] === sort && typeof decoded[2] === 'string') return [decoded[1], decoded[2]];
  throw new HexbaseError('INVALID_CURSOR', 'validation', 'the cursor is not one this API returned for this sort', [
    { field: '/query/cursor', rule: 'cursor', message: 'pass the nextCursor of a previous page unchanged, with the same sort' },
  ]);
}

export async function listRecordPage(pool: pg.Pool, collection: Collection, query: RecordQuery): Promise<RecordPage> {
  const params: unknown[] = [collection.tenantId, collection.name];
  const where = ['r.tenant_id = $1', 'r.collection = $2', 'r.purged_at IS NULL'];
  if (!query.includeDeleted) where.push('r.deleted_at IS NULL');
  if (query.filter) {
    const compiled = compileFilterToSql(query.filter, { jsonColumn: 'r.data', columns: SYSTEM_COLUMNS, firstParameterIndex: params.length + 1 });
    params.push(...compiled.params);
    where.push(`(${compiled.sql})`);
  }
  const filterParams = params.length;
  const countWhere = where.join(' AND ');

  const sortKey = sortKeyFor(query.sortField, params);
  const direction = query.descending ? 'DESC' : 'ASC';
  const sort = `${query.descending ? '-' : ''}${query.sortField}`;
  if (query.cursor) {
    const [sortValue, id] = decodeCursor(query.cursor, sort);
    params.push(sortValue, id);
    where.push(`(${sortKey.sql}, r.id) ${query.descending ? '<' : '>'} ($${params.length - 1}::${sortKey.cast}, $${params.length}::text)`);
  }
  params.push(query.limit + 1);
  const sql = `SELECT ${RECORD_COLUMNS.split(', ').map((column) => `r.${column}`).join(', ')} FROM records r
    WHERE ${where.join(' AND ')} ORDER BY ${sortKey.sql} ${direction}, r.id ${direction} LIMIT $${params.length}`;

  const [{ rows }, total] = await Promise.all([
    pool.query<RecordRow>(sql, params).catch((error: unknown) => rethrowQueryError(error)),
    query.includeTotal ? countRecords(pool, countWhere, params.slice(0, filterParams)) : Promise.resolve(undefined),
  ]);
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows[pageRows.length - 1];
  const page: RecordPage = {
    records: pageRows.map(recordFromRow),
    nextCursor: rows.length > query.limit && last ? encodeCursor(sort, sortKey.valueOf(last), last.id) : undefined,
  };
  if (total !== undefined) page.total = total;
  return page;
}

async function countRecords(pool: pg.Pool, where: string, params: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ total: string }>(`SELECT count(*) AS total FROM records r WHERE ${where}`, params);
  return Number(rows[0]?.total ?? 0);
}

/** A cursor value of the wrong type for the sort field is the client's mistake, not a server error. */
function rethrowQueryError(error: unknown): never {
  const code = (error as { code?: string }).code;
  if (code === '22P02' || code === '22007' || code === '22008' || code === '22003') {
    throw new HexbaseError('INVALID_CURSOR', 'validation', 'the cursor does not match the sort field', [
      { field: '/query/cursor', rule: 'cursor', message: 'a cursor is valid only with the sort it was returned for' },
    ]);
  }
  throw error;
}
