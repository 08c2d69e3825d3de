import { streamsContract } from '../../application/streams.contract';
import { createMemoryEventLog } from './memory-event-log';
import { createMemoryStreams } from './memory-streams';

streamsContract('in-memory twin', async () => {
  const log = createMemoryEventLog();
  const streams = createMemoryStreams(log);
  return {
    streams,
    log,
    markDeleted: async (tenantId, streamId) => streams.markDeleted(tenantId, streamId),
    outboxIds: async () => streams.outbox.map((event) => event.id),
  };
});
