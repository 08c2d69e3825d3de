import { HexbaseError, conflict, schemaUri, type EventEnvelope } from '@hexbase/contracts';
import { expectedVersionHolds, type ExpectedVersion } from './expected-version';
import { jsonEqual, type JsonObject } from './json-values';
import type { StoredEvent } from './stored-event';

export const EVENT_STORE_SOURCE = '/hexbase/event-store';

/** One event as a client sends it. `id` is always set here: the client's, or one the server made. */
export interface NewEvent {
  id: string;
  type: string;
  data: JsonObject;
  schemaVersion: number;
  correlationId?: string;
  causationId?: string;
  /** Fields the client set itself, compared when the same id comes again (a retry). */
  clientFields: { correlationId: boolean; causationId: boolean };
}

export interface AppendBatch {
  tenantId: string;
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
  time: Date;
  traceparent?: string;
  /** Where an event sits in the request, for problem documents: `/body/events/2`. */
  pointerOf(index: number): string;
}

/** The stream as the appending transaction sees it, under the stream's lock. */
export interface StreamHead {
  /** Version of the stream's last event; 0 when it has none. */
  version: number;
  deleted: boolean;
  /** Stored events (any stream, any tenant) carrying one of the batch's ids. */
  sameIds: StoredEvent[];
}

export type AppendDecision =
  /** Append these envelopes (none: the batch only checked the expected version). */
  | { kind: 'append'; events: EventEnvelope[] }
  /** The batch was appended before (a retry): answer with these, write nothing. */
  | { kind: 'replay'; events: StoredEvent[] };

/**
 * Decides what a batch does to a stream: pure, no I/O. A batch whose ids are all stored, as the
 * same events at consecutive versions of this stream, is a retry and is answered from the log.
 * Otherwise a reused id is a conflict, a soft-deleted stream takes nothing, and the expected version must
 * hold; then the events get the next versions.
 */
export function decideAppend(head: StreamHead, batch: AppendBatch): AppendDecision {
  if (head.sameIds.length > 0) return replayOf(head.sameIds, batch);
  if (head.deleted) throw conflict('STREAM_DELETED', `stream ${batch.streamId} was deleted; restore it before appending`);
  if (!expectedVersionHolds(batch.expectedVersion, head.version)) {
    throw conflict('STREAM_VERSION_CONFLICT', `stream ${batch.streamId} is at version ${head.version}, which does not satisfy the expected version ${JSON.stringify(batch.expectedVersion)}`, {
      currentVersion: head.version,
      expectedVersion: batch.expectedVersion,
    });
  }
  return { kind: 'append', events: batch.events.map((event, index) => envelopeOf(batch, event, head.version + index + 1)) };
}

function replayOf(stored: StoredEvent[], batch: AppendBatch): AppendDecision {
  const byId = new Map(stored.map((entry) => [entry.event.id, entry]));
  const replayed: StoredEvent[] = [];
  batch.events.forEach((event, index) => {
    const previous = byId.get(event.id);
    const follows = index === 0 || (previous !== undefined && previous.event.streamversion === replayed[index - 1]!.event.streamversion + 1);
    if (!previous || !follows || !sameEvent(previous.event, event, batch)) throw idReused(batch, stored, index);
    replayed.push(previous);
  });
  return { kind: 'replay', events: replayed };
}

function sameEvent(stored: EventEnvelope, event: NewEvent, batch: AppendBatch): boolean {
  return (
    stored.tenantid === batch.tenantId &&
    stored.streamid === batch.streamId &&
    stored.type === event.type &&
    stored.dataschema === schemaUri(event.type, event.schemaVersion) &&
    jsonEqual(stored.data, event.data) &&
    (!event.clientFields.correlationId || stored.correlationid === event.correlationId) &&
    (!event.clientFields.causationId || stored.causationid === event.causationId)
  );
}

function idReused(batch: AppendBatch, stored: StoredEvent[], failedAt: number): HexbaseError {
  const storedIds = new Set(stored.map((entry) => entry.event.id));
  const index = storedIds.has(batch.events[failedAt]!.id) ? failedAt : batch.events.findIndex((event) => storedIds.has(event.id));
  const id = batch.events[index]!.id;
  return new HexbaseError(
    'EVENT_ID_REUSED',
    'conflict',
    `event id ${id} is already used by another event; a retry must send the same batch unchanged`,
    [{ field: `${batch.pointerOf(index)}/id`, rule: 'unique', message: 'this id names a stored event with other content, or the batch is not the one first sent with it' }],
    { eventId: id },
  );
}

function envelopeOf(batch: AppendBatch, event: NewEvent, version: number): EventEnvelope {
  const envelope: EventEnvelope = {
    specversion: '1.0',
    id: event.id,
    source: EVENT_STORE_SOURCE,
    type: event.type,
    subject: batch.streamId,
    time: batch.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: schemaUri(event.type, event.schemaVersion),
    data: event.data,
    tenantid: batch.tenantId,
    streamid: batch.streamId,
    streamversion: version,
  };
  if (event.correlationId) envelope.correlationid = event.correlationId;
  if (event.causationId) envelope.causationid = event.causationId;
  if (batch.traceparent) envelope.traceparent = batch.traceparent;
  return envelope;
}
