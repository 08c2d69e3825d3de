import { HexbaseError } from '@hexbase/contracts';

/** Deepest page a search serves (offset + limit), as in Elasticsearch's max_result_window. */
export const MAX_RESULT_WINDOW = 10_000;

/**
 * A cursor is the next page's offset tied to the query it belongs to (a hash of the query,
 * filter and sort), so that it cannot be replayed against another search by mistake.
 */
export function encodePageCursor(offset: number, queryKey: string): string {
  return Buffer.from(JSON.stringify([offset, fingerprint(queryKey)]), 'utf8').toString('base64url');
}

export function decodePageCursor(cursor: string, queryKey: string, field = '/query/cursor'): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (Array.isArray(decoded) && decoded.length === 2 && Number.isSafeInteger(decoded[0]) && decoded[0] >= 0 && decoded[1] === fingerprint(queryKey)) return decoded[0] as number;
  throw new HexbaseError('INVALID_CURSOR', 'validation', 'the cursor is not one this API returned for this search', [
    { field, rule: 'cursor', message: 'pass the nextCursor of the previous page unchanged, with the same q, filter and sort' },
  ]);
}

/** FNV-1a, 32 bits: enough to tell queries apart, not a security measure. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
