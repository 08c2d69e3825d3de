import { diffData, type DataChange } from '../domain/data-changes';
import { evolveRecord, type RecordState } from '../domain/record-state';
import { rebuildRecord, type TimeTravelDeps } from './rebuild-record';
import { requireLiveStream } from './read-stream';
import { requireRecordStream } from './record-state-at';

export interface HistoryEntry {
  version: number;
  type: string;
  time: string;
  eventId: string;
  position: number;
  /** What this version changed in the record's data, from the version before (from `{}` for the first). */
  changes: DataChange[];
  deletedAt: string | null;
  purgedAt: string | null;
}

export interface HistoryPage {
  /** The stream's current version. */
  version: number;
  items: HistoryEntry[];
  nextVersion: number | undefined;
}

/** A record's versions from `fromVersion`, each with the field-level changes it made to the data. */
export async function recordHistory(deps: TimeTravelDeps, tenantId: string, streamId: string, page: { fromVersion: number; limit: number }): Promise<HistoryPage> {
  requireRecordStream(streamId);
  const stream = await requireLiveStream(deps.streams, tenantId, streamId);
  if (page.fromVersion > stream.version) return { version: stream.version, items: [], nextVersion: undefined };
  let previous: RecordState | null = await rebuildRecord(deps, tenantId, streamId, page.fromVersion - 1, stream);
  const events = await deps.streams.read(tenantId, streamId, { fromVersion: page.fromVersion, direction: 'forward', limit: page.limit });
  const items = events.map(({ position, event }): HistoryEntry => {
    const next = evolveRecord(previous, event);
    const entry = { version: next.version, type: event.type, time: event.time, eventId: event.id, position, changes: diffData(previous?.data ?? {}, next.data), deletedAt: next.deletedAt, purgedAt: next.purgedAt };
    previous = next;
    return entry;
  });
  const last = items.at(-1)?.version;
  return { version: stream.version, items, nextVersion: last !== undefined && last < stream.version ? last + 1 : undefined };
}
