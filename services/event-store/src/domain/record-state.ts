import { HexbaseError, RecordEventType, type EventEnvelope } from '@hexbase/contracts';
import { isJsonObject, type JsonObject } from './json-values';

/**
 * A record as the records service represented it after one of its events: the same fields as
 * its API answers with, and `purgedAt`. Timestamps are RFC 3339 strings, so a state can be stored
 * as a snapshot and compared as it is.
 */
export interface RecordState {
  id: string;
  collection: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  purgedAt: string | null;
  data: JsonObject;
}

/**
 * Applies one record event to the state before it (null before record.created): pure. Each event
 * sets `updatedAt` to its time, as the records service does for every change it makes.
 */
export function evolveRecord(state: RecordState | null, event: EventEnvelope): RecordState {
  const payload = isJsonObject(event.data) ? event.data : {};
  if (event.type === RecordEventType.created) {
    return {
      id: String(payload.id ?? event.streamid.slice(event.streamid.indexOf('/') + 1)),
      collection: String(payload.collection ?? event.streamid.slice(0, event.streamid.indexOf('/'))),
      version: event.streamversion,
      createdAt: event.time,
      updatedAt: event.time,
      deletedAt: null,
      purgedAt: null,
      data: dataOf(payload),
    };
  }
  if (!state) throw unfit(event, 'it comes before the record was created');
  if (event.streamversion !== state.version + 1) throw unfit(event, `the state is at version ${state.version}`);
  const next = { ...state, version: event.streamversion, updatedAt: event.time };
  switch (event.type) {
    case RecordEventType.updated:
      return { ...next, data: dataOf(payload) };
    case RecordEventType.deleted:
      return { ...next, deletedAt: typeof payload.deletedAt === 'string' ? payload.deletedAt : event.time };
    case RecordEventType.restored:
      return { ...next, deletedAt: null, data: isJsonObject(payload.data) ? payload.data : state.data };
    case RecordEventType.purged:
      return { ...next, data: {}, purgedAt: event.time };
    default:
      throw unfit(event, 'it is not a record event');
  }
}

function dataOf(payload: JsonObject): JsonObject {
  return isJsonObject(payload.data) ? payload.data : {};
}

function unfit(event: EventEnvelope, reason: string): HexbaseError {
  return new HexbaseError('RECORD_EVENT_UNFIT', 'internal', `event ${event.id} (${event.type}, version ${event.streamversion}) of ${event.streamid} cannot be applied: ${reason}`);
}
