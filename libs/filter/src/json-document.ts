import type { FieldPath, FilterValue } from './filter-expression';

/** The result of following a path that leads nowhere. Distinct from a JSON `null`. */
export const MISSING: unique symbol = Symbol('missing');

/**
 * The value at `path` inside a JSON document, following PostgreSQL's `jsonb #> text[]`:
 * an object segment is a key; an array segment is an integer position as PostgreSQL's
 * `strtoint` reads it (leading whitespace and a sign allowed, negative counts from the end).
 * Anything else, including a key of a non-object, is MISSING.
 */
export function valueAtPath(document: unknown, path: FieldPath): unknown {
  let current: unknown = document;
  for (const segment of path) {
    if (Array.isArray(current)) {
      const position = arrayPosition(segment, current.length);
      if (position === undefined) return MISSING;
      // JSON.stringify writes an undefined array element as null.
      current = current[position] ?? null;
    } else if (isJsonObject(current) && Object.hasOwn(current, segment) && current[segment] !== undefined) {
      current = current[segment];
    } else {
      return MISSING;
    }
  }
  return current;
}

const POSTGRES_INTEGER = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;
const INT32_MAX = 2_147_483_647;

/** The element a path segment selects in an array of `length` elements, as PostgreSQL picks it. */
function arrayPosition(segment: string, length: number): number | undefined {
  const match = POSTGRES_INTEGER.exec(segment);
  if (!match) return undefined;
  const magnitude = Number(match[2]);
  const negative = match[1] === '-';
  // Outside int32 PostgreSQL yields NULL; INT_MIN itself is refused too.
  if (magnitude > INT32_MAX) return undefined;
  if (!negative || magnitude === 0) return magnitude < length ? magnitude : undefined;
  return magnitude <= length ? length - magnitude : undefined;
}

/**
 * A segment that `#>` could read as an array position. Paths containing one cannot be matched
 * with `@>` containment, which never steps into arrays by position.
 */
export function mayBeArrayPosition(segment: string): boolean {
  return POSTGRES_INTEGER.test(segment);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON equality of a document value with a filter literal: same JSON type and same value. */
export function jsonEquals(value: unknown, literal: FilterValue): boolean {
  if (literal === null) return value === null;
  return typeof value === typeof literal && value === literal;
}

/**
 * Order of two strings by Unicode code point, which is PostgreSQL's `COLLATE "C"` order
 * (byte order of UTF-8). Plain `<` on JavaScript strings compares UTF-16 code units, which
 * puts characters above U+FFFF before U+E000..U+FFFF.
 */
export function compareCodePoints(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const leftUnit = left.charCodeAt(index);
    const rightUnit = right.charCodeAt(index);
    if (leftUnit !== rightUnit) return codePointRank(leftUnit) - codePointRank(rightUnit);
  }
  return left.length - right.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
