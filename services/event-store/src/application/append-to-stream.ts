import { HexbaseError, type FieldViolation } from '@hexbase/contracts';
import type { Clock, IdGenerator } from '@hexbase/ports';
import type { ExpectedVersion } from '../domain/expected-version';
import type { JsonObject } from '../domain/json-values';
import { decideAppend, type NewEvent } from '../domain/stream-append';
import { APPLICATION_STREAM_ID, RECORD_EVENT_TYPE_PREFIX } from '../domain/stream-ids';
import type { AppendResult, Streams } from './ports';

/** One event as the client sent it (the route's schema has checked the shapes). */
export interface EventInput {
  id?: string;
  type: string;
  data: JsonObject;
  schemaVersion?: number;
  correlationId?: string;
  causationId?: string;
}

export interface AppendRequest {
  tenantId: string;
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: EventInput[];
  /** Defaults of the request for events that do not carry their own. */
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
}

/**
 * Appends a batch to an application stream atomically, if the stream is at the expected version.
 * Events without an id get one; sending ids makes a retry safe: the same batch again is answered
 * with the positions it got the first time and writes nothing.
 */
export async function appendToStream(deps: { streams: Streams; ids: IdGenerator; clock: Clock }, request: AppendRequest): Promise<AppendResult> {
  checkAppend(request);
  const events: NewEvent[] = request.events.map((input) => {
    const correlationId = input.correlationId ?? request.correlationId;
    const causationId = input.causationId ?? request.causationId;
    return {
      id: (input.id ?? deps.ids.next()).toLowerCase(),
      type: input.type,
      data: input.data,
      schemaVersion: input.schemaVersion ?? 1,
      ...(correlationId ? { correlationId } : {}),
      ...(causationId ? { causationId } : {}),
      clientFields: { correlationId: input.correlationId !== undefined, causationId: input.causationId !== undefined },
    };
  });
  const time = deps.clock.now();
  return deps.streams.append(
    request.tenantId,
    request.streamId,
    events.filter((_, index) => request.events[index]!.id !== undefined).map((event) => event.id),
    (head) =>
      decideAppend(head, {
        tenantId: request.tenantId,
        streamId: request.streamId,
        expectedVersion: request.expectedVersion,
        events,
        time,
        ...(request.traceparent ? { traceparent: request.traceparent } : {}),
        pointerOf: (index) => `/body/events/${index}`,
      }),
  );
}

function checkAppend(request: AppendRequest): void {
  const violations: FieldViolation[] = [];
  if (!APPLICATION_STREAM_ID.test(request.streamId)) {
    violations.push({
      field: '/params/streamId',
      rule: 'application-stream',
      message: request.streamId.includes('/')
        ? 'streams with a "/" are record streams, written only by the records service'
        : 'an application stream id: a letter or digit, then letters, digits and . _ : @ + = ~ -, at most 200',
    });
  }
  const seen = new Map<string, number>();
  request.events.forEach((event, index) => {
    if (event.type.startsWith(RECORD_EVENT_TYPE_PREFIX)) {
      violations.push({ field: `/body/events/${index}/type`, rule: 'reserved', message: 'record.* events are written only by the records service' });
    }
    if (event.id === undefined) return;
    const id = event.id.toLowerCase();
    const first = seen.get(id);
    if (first !== undefined) violations.push({ field: `/body/events/${index}/id`, rule: 'uniqueItems', message: `the same id as /body/events/${first}/id` });
    else seen.set(id, index);
  });
  if (violations.length > 0) throw new HexbaseError('APPEND_INVALID', 'validation', `the append has ${violations.length} invalid field${violations.length === 1 ? '' : 's'}; see errors`, violations);
}
