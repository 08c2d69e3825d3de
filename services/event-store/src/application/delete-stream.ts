import { notFound } from '@hexbase/contracts';
import type { StreamState } from '../domain/stream-state';
import type { StreamLifecycle } from './ports';

/**
 * Soft deletion hides a stream (reads 404, appends refused) and can be undone; hard deletion
 * removes its events for good, and the stream may later start again at version 1.
 */
export async function deleteStream(streams: StreamLifecycle, tenantId: string, streamId: string, hard: boolean): Promise<{ hard: boolean; eventsRemoved?: number; state?: StreamState }> {
  if (hard) {
    const removed = await streams.hardDelete(tenantId, streamId);
    if (!removed) throw notFound('STREAM_NOT_FOUND', `stream ${streamId} does not exist`);
    return { hard, eventsRemoved: removed.eventsRemoved };
  }
  const state = await streams.softDelete(tenantId, streamId);
  if (!state) throw notFound('STREAM_NOT_FOUND', `stream ${streamId} does not exist`);
  return { hard, state };
}

export async function restoreStream(streams: StreamLifecycle, tenantId: string, streamId: string): Promise<StreamState> {
  const state = await streams.restore(tenantId, streamId);
  if (!state) throw notFound('STREAM_NOT_FOUND', `stream ${streamId} does not exist`);
  return state;
}
