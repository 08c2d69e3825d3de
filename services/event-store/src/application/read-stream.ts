import { notFound } from '@hexbase/contracts';
import type { StoredEvent } from '../domain/stored-event';
import type { EventLog } from './ports';

export async function readStream(log: EventLog, tenantId: string, streamId: string, fromVersion: number, limit: number): Promise<StoredEvent[]> {
  const events = await log.readStream(tenantId, streamId, fromVersion, limit);
  if (events.length === 0 && fromVersion <= 1) throw notFound('STREAM_NOT_FOUND', `stream ${streamId} does not exist`);
  return events;
}
