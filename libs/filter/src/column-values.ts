import type { ColumnType, FilterValue } from './filter-expression';
import { parseIsoTimestamp } from './iso-timestamp';

/**
 * Values of a typed column (a system field such as `createdAt`), in a form that compares in
 * memory exactly as PostgreSQL compares the column: numbers as numbers, text and uuids by
 * code point (PostgreSQL's "C" order, byte order for uuid), timestamps by instant.
 */
export type ColumnComparable = string | number | bigint;

export interface ColumnLiteral {
  comparable: ColumnComparable;
  /** The parameter value sent to PostgreSQL. */
  param: string | number;
  /** The SQL type the parameter is cast to. */
  cast: 'text' | 'numeric' | 'bigint' | 'timestamptz' | 'uuid';
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A filter literal read as a value of the column type, or `undefined` when it cannot be one. */
export function columnLiteral(type: ColumnType, value: FilterValue): ColumnLiteral | undefined {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? { comparable: value, param: value, cast: 'text' } : undefined;
    case 'numeric':
      return typeof value === 'number' ? { comparable: value, param: value, cast: 'numeric' } : undefined;
    case 'integer':
      if (typeof value !== 'number') return undefined;
      return { comparable: value, param: value, cast: Number.isSafeInteger(value) ? 'bigint' : 'numeric' };
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? { comparable: value.toLowerCase(), param: value.toLowerCase(), cast: 'uuid' } : undefined;
    case 'timestamptz': {
      const timestamp = typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
      return timestamp && { comparable: timestamp.micros, param: timestamp.text, cast: 'timestamptz' };
    }
  }
}

/** What a literal of the column type looks like, for error messages. */
export function describeColumnType(type: ColumnType): string {
  switch (type) {
    case 'text':
      return 'a string';
    case 'numeric':
    case 'integer':
      return 'a number';
    case 'uuid':
      return 'a UUID string such as "0190c2b2-8a4e-7cc0-9d6a-5b3f1e2d4c5a"';
    case 'timestamptz':
      return 'an ISO 8601 timestamp string such as "2024-05-01T12:00:00Z" or "2024-05-01"';
  }
}

/**
 * A value read from a record or event for a typed column, or `null` for SQL NULL (also for a
 * value that is not of the type). Accepts what drivers hand back: numeric columns as numbers,
 * bigints or numeric strings, timestamps as Date or ISO strings, uuids in any case.
 */
export function columnValue(type: ColumnType, raw: unknown): ColumnComparable | null {
  switch (type) {
    case 'text':
      return typeof raw === 'string' ? raw : null;
    case 'numeric':
    case 'integer': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'bigint' || (typeof raw === 'string' && raw.trim() !== '') ? Number(raw) : Number.NaN;
      return Number.isFinite(number) ? number : null;
    }
    case 'uuid':
      return typeof raw === 'string' && UUID.test(raw) ? raw.toLowerCase() : null;
    case 'timestamptz': {
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : BigInt(raw.getTime()) * 1000n;
      return typeof raw === 'string' ? (parseIsoTimestamp(raw)?.micros ?? null) : null;
    }
  }
}
