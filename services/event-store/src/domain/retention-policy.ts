/** `stream`: one stream id. `collection`: every stream `<collection>/...`. */
export type RetentionScope = 'stream' | 'collection';

/** How many and how old events of a stream are kept. At least one of the limits is set. */
export interface RetentionPolicy {
  tenantId: string;
  scope: RetentionScope;
  target: string;
  /** Events whose `time` is older than this are removed (the newest event of a stream never is). */
  maxAgeSeconds?: number;
  /** Only the newest `maxCount` events of each stream are kept. */
  maxCount?: number;
  updatedAt: string;
}

/** The first version of a stream retention keeps (every version below it goes), never past its newest. */
export function firstKeptVersion(version: number, maxCount: number | undefined, firstRecentVersion: number | undefined, maxAgeSet: boolean): number {
  const byCount = maxCount === undefined ? 0 : version - maxCount + 1;
  const byAge = maxAgeSet ? (firstRecentVersion ?? version) : 0;
  return Math.max(0, Math.min(version, Math.max(byCount, byAge)));
}
