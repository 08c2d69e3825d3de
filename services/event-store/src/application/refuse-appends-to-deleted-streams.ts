import { HexbaseError } from '@hexbase/contracts';
import type { EventLog, StreamLifecycle } from './ports';

/**
 * The log as the intake appends to it: an event for a soft-deleted stream is refused with 409
 * STREAM_DELETED (the intake retries it, then dead-letters it, so it can be redriven once the
 * stream is restored), as a direct append to it is. An append racing with the deletion itself
 * may still land; the stream stays hidden either way.
 */
export function refuseAppendsToDeletedStreams(log: EventLog, streams: StreamLifecycle): EventLog {
  return {
    ...log,
    async append(event) {
      const state = await streams.state(event.tenantid, event.streamid);
      if (state?.deletedAt) throw new HexbaseError('STREAM_DELETED', 'conflict', `stream ${event.streamid} was deleted; restore it before appending`);
      return log.append(event);
    },
  };
}
