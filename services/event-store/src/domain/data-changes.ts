import { isJsonObject, jsonEqual } from './json-values';

/**
 * One change between two versions of a record's data, as a JSON Patch (RFC 6902) operation whose
 * path is a JSON Pointer into the data, with the value it had before (`previous`) for removals
 * and replacements. Applying the operations in order to the older data gives the newer data.
 */
export type DataChange = { op: 'add'; path: string; value: unknown } | { op: 'remove'; path: string; previous: unknown } | { op: 'replace'; path: string; value: unknown; previous: unknown };

/**
 * The field-level difference from `before` to `after`: objects are compared member by member,
 * anything else (arrays included) as a whole value. Members are listed in `before`'s order, then
 * the added ones in `after`'s order.
 */
export function diffData(before: unknown, after: unknown, path = ''): DataChange[] {
  if (jsonEqual(before, after)) return [];
  if (!isJsonObject(before) || !isJsonObject(after)) return [{ op: 'replace', path, value: after, previous: before }];
  const changes: DataChange[] = [];
  for (const [key, value] of Object.entries(before)) {
    const member = `${path}/${escapePointerToken(key)}`;
    if (!(key in after)) changes.push({ op: 'remove', path: member, previous: value });
    else changes.push(...diffData(value, after[key], member));
  }
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before)) changes.push({ op: 'add', path: `${path}/${escapePointerToken(key)}`, value });
  }
  return changes;
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
