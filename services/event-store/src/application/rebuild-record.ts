import { isRecordEventType, type EventEnvelope } from '@hexbase/contracts';
import { evolveRecord, type RecordState } from '../domain/record-state';
import type { StreamState } from '../domain/stream-state';
import { isRecordStreamId } from '../domain/stream-ids';
import type { Snapshots, Streams } from './ports';
import { truncated } from './read-stream';

const REBUILD_PAGE = 1000;

export interface TimeTravelDeps {
  streams: Streams;
  snapshots: Snapshots;
}

/**
 * The state of a record stream after `version` (null for 0): the newest snapshot at or below it,
 * then every later event up to it, applied in version order. A snapshot is only a shortcut: the
 * answer is the one the events alone give. Versions that retention removed, and that no snapshot
 * covers, are 410 STREAM_TRUNCATED.
 */
export async function rebuildRecord(deps: TimeTravelDeps, tenantId: string, streamId: string, version: number, stream: StreamState): Promise<RecordState | null> {
  if (version === 0) return null;
  let state: RecordState | null = (await deps.snapshots.latest(tenantId, streamId, version)) ?? null;
  let next = (state?.version ?? 0) + 1;
  while (next <= version) {
    const events = await deps.streams.read(tenantId, streamId, { fromVersion: next, direction: 'forward', limit: Math.min(REBUILD_PAGE, version - next + 1) });
    if (events[0]?.event.streamversion !== next) throw truncated(streamId, stream);
    for (const stored of events) state = evolveRecord(state, stored.event);
    next = state!.version + 1;
  }
  return state;
}

/**
 * Stores a snapshot of a record stream at `event`'s version when the stream has grown by at least
 * `every` events since its newest snapshot (0 turns snapshots off). Cheap for short streams: no
 * query below `every` events. Returns whether it took one.
 */
export async function takeSnapshotIfDue(deps: TimeTravelDeps, every: number, event: EventEnvelope): Promise<boolean> {
  const { tenantid: tenantId, streamid: streamId, streamversion: version } = event;
  if (every <= 0 || version < every || !isRecordStreamId(streamId) || !isRecordEventType(event.type)) return false;
  const latest = await deps.snapshots.latest(tenantId, streamId, version);
  if (version - (latest?.version ?? 0) < every) return false;
  const stream = await deps.streams.info(tenantId, streamId);
  if (!stream || stream.version < version) return false;
  const state = await rebuildRecord(deps, tenantId, streamId, version, stream);
  if (!state) return false;
  await deps.snapshots.save(tenantId, streamId, state);
  return true;
}
