import { HexbaseError } from '@hexbase/contracts';
import type { RecordState } from '../domain/record-state';
import { isRecordStreamId } from '../domain/stream-ids';
import { rebuildRecord, type TimeTravelDeps } from './rebuild-record';
import { requireLiveStream, truncated } from './read-stream';

/** A version, a point in time, or `current`: the stream's last version. */
export type StatePoint = { version: number } | { asOf: Date } | 'current';

export interface RecordStateAt {
  /** The version the state is at: 0 when the record did not exist yet at `asOf`. */
  version: number;
  state: RecordState | null;
  /** When that version was written (the time of its event); null for version 0. */
  at: string | null;
}

/**
 * The state of a record at a version, or at a point in time (the state after the last event
 * written at or before it). A version above the stream's is 404 STREAM_VERSION_NOT_FOUND.
 */
export async function recordStateAt(deps: TimeTravelDeps, tenantId: string, streamId: string, point: StatePoint): Promise<RecordStateAt> {
  requireRecordStream(streamId);
  const stream = await requireLiveStream(deps.streams, tenantId, streamId);
  let version: number;
  if (point === 'current') {
    version = stream.version;
  } else if ('version' in point) {
    if (point.version > stream.version) {
      throw new HexbaseError('STREAM_VERSION_NOT_FOUND', 'not_found', `stream ${streamId} has no version ${point.version}; its last version is ${stream.version}`, [], { currentVersion: stream.version });
    }
    version = point.version;
  } else {
    version = await deps.streams.versionAt(tenantId, streamId, point.asOf);
    // Retention removed the oldest events: "nothing at or before asOf" no longer means "not created yet".
    if (version === 0 && stream.truncatedBefore > 1) throw truncated(streamId, stream);
  }
  const state = await rebuildRecord(deps, tenantId, streamId, version, stream);
  return { version, state, at: state?.updatedAt ?? null };
}

export function requireRecordStream(streamId: string): void {
  if (!isRecordStreamId(streamId)) {
    throw new HexbaseError('NOT_A_RECORD_STREAM', 'validation', `${streamId} is not a record stream; states and histories are rebuilt for record streams (<collection>/<id>)`, [
      { field: '/params/streamId', rule: 'record-stream', message: 'a record stream id: <collection>/<record id>' },
    ]);
  }
}

