import type { FieldPath } from './filter-expression';

/** JSON keys that may appear literally in SQL: nothing that could close a quote or start a comment. */
export const SQL_SAFE_JSON_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * What `jsonFieldSqlExpression` yields: the raw `jsonb` value, or a typed value that is NULL
 * unless the JSON value has that type (so no cast can ever fail at query time).
 */
export type JsonFieldType = 'jsonb' | 'text' | 'numeric';

/**
 * SQL for a field inside a jsonb column, with the keys written literally, for expression
 * indexes. `compileFilterToSql` emits exactly this text for a path of plain keys, so
 *
 *     CREATE INDEX records_price ON records (${jsonFieldSqlExpression('data', ['price'], 'numeric')})
 *
 * serves `price < 10`, and a `text` one serves string ordering and `startsWith`. The result is
 * always parenthesised, as an index expression must be.
 *
 * `column` is an SQL expression written by the caller (`data`, `r.data`) and is used as is.
 * Each path segment must match `SQL_SAFE_JSON_KEY`; anything else throws a TypeError, since
 * such a key cannot be written into SQL safely.
 */
export function jsonFieldSqlExpression(column: string, path: FieldPath, type: JsonFieldType = 'jsonb'): string {
  if (path.length === 0) throw new TypeError('A JSON field path needs at least one segment');
  const unsafe = path.find((segment) => !SQL_SAFE_JSON_KEY.test(segment));
  if (unsafe !== undefined) throw new TypeError(`The JSON key ${JSON.stringify(unsafe)} cannot be written into SQL: keys must match ${SQL_SAFE_JSON_KEY}`);
  const parent = `(${column})${path.slice(0, -1).map((segment) => `->'${segment}'`).join('')}`;
  const last = path[path.length - 1]!;
  return typedJsonSql(`${parent}->'${last}'`, `${parent}->>'${last}'`, type);
}

/**
 * The same expression with the path passed as a `text[]` parameter (any keys at all): for
 * paths `jsonFieldSqlExpression` refuses. `pathParameter` is a placeholder such as `$3`.
 */
export function parameterizedJsonFieldSql(column: string, pathParameter: string, type: JsonFieldType): string {
  return typedJsonSql(`(${column}) #> ${pathParameter}::text[]`, `(${column}) #>> ${pathParameter}::text[]`, type);
}

function typedJsonSql(jsonb: string, text: string, type: JsonFieldType): string {
  switch (type) {
    case 'jsonb':
      return `(${jsonb})`;
    case 'text':
      // "C" order is code point order, the order evaluateFilter uses; it needs no locale.
      return `((CASE WHEN jsonb_typeof(${jsonb}) = 'string' THEN ${text} END) COLLATE "C")`;
    case 'numeric':
      return `(CASE WHEN jsonb_typeof(${jsonb}) = 'number' THEN (${text})::numeric END)`;
  }
}
