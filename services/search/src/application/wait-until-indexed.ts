import { COLLECTIONS_STREAM_PREFIX, HexbaseError, decodeConsistencyToken, unavailable } from '@hexbase/contracts';
import type { SearchIndex } from './ports';

export interface ConsistencyWait {
  /** The longest a read waits for the index to catch up. */
  timeoutMs: number;
  /** The request field the token came from, named in errors (`/headers/hexbase-consistency-token`...). */
  field: string;
}

const FIRST_POLL_MS = 5;
const LONGEST_POLL_MS = 100;

/**
 * Read-your-writes: resolves once the index answering searches reflects the write a consistency
 * token names (a record of this collection at that version or later, or this collection's
 * definition at that version). Fails with CONSISTENCY_TIMEOUT (503, Retry-After 1) after
 * `timeoutMs`, and with INVALID_CONSISTENCY_TOKEN (400) for a token that is malformed or names
 * another tenant or collection.
 */
export async function waitUntilIndexed(index: Pick<SearchIndex, 'stateOf' | 'indexedVersion'>, tenantId: string, collection: string, token: string, wait: ConsistencyWait): Promise<void> {
  const invalid = (message: string) => new HexbaseError('INVALID_CONSISTENCY_TOKEN', 'validation', message, [{ field: wait.field, rule: 'consistency_token', message }]);
  const point = decodeConsistencyToken(token);
  if (!point || point.tenantId !== tenantId) throw invalid('not a consistency token this tenant received from a write');
  let reached: () => Promise<boolean>;
  if (point.streamId === `${COLLECTIONS_STREAM_PREFIX}${collection}`) {
    reached = async () => ((await index.stateOf(tenantId, collection))?.settingsVersion ?? 0) >= point.version;
  } else if (point.streamId.startsWith(`${collection}/`)) {
    const recordId = point.streamId.slice(collection.length + 1);
    reached = async () => (await index.indexedVersion(tenantId, collection, recordId)) >= point.version;
  } else {
    throw invalid(`the token names a write outside the collection ${collection}`);
  }

  const deadline = Date.now() + wait.timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    if (await reached()) return;
    const left = deadline - Date.now();
    if (left <= 0) throw unavailable('CONSISTENCY_TIMEOUT', `the search index has not caught up with ${point.streamId} at version ${point.version} within ${wait.timeoutMs} ms; retry shortly`, 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
    delay = Math.min(delay * 2, LONGEST_POLL_MS);
  }
}
