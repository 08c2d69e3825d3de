import { recordSchemaUri, recordStreamId, type EventEnvelope } from '@hexbase/contracts';
import { decideRecordCommand, type RecordChange, type RecordCommand } from '../domain/record';
import type { RecordsDeps } from './deps';
import type { IdempotentRequest, RecordWriteResult, WriteContext, WriteOutcome } from './ports';
import { requireCollection } from './require-collection';

export const MAX_BULK_OPERATIONS = 1000;
export const RECORDS_SOURCE = '/hexbase/records';

/** A command as a client sends it: a create may leave the id to the server. */
export type RecordCommandInput = Omit<Extract<RecordCommand, { op: 'create' }>, 'id'> & { id?: string } | Exclude<RecordCommand, { op: 'create' }>;

/**
 * Applies one or many record commands to a collection atomically: every command succeeds and
 * its event is in the outbox, or nothing is written. Commands on the same id apply in order.
 */
export async function writeRecords(
  deps: RecordsDeps,
  context: WriteContext,
  collectionName: string,
  inputs: RecordCommandInput[],
  options: { idempotency?: IdempotentRequest; pointerFor: (index: number) => string; versionPointer?: string },
): Promise<WriteOutcome<RecordWriteResult[]>> {
  const collection = await requireCollection(deps.collections, context.tenantId, collectionName);
  const commands: RecordCommand[] = inputs.map((input) => (input.op === 'create' ? { ...input, id: input.id ?? deps.ids.next() } : input));
  const ids = [...new Set(commands.map((command) => command.id))];

  return deps.records.change(
    collection,
    ids,
    (current) => {
      const now = deps.clock.now();
      const state = new Map(current);
      const changes: RecordChange[] = commands.map((command, index) => {
        const change = decideRecordCommand(command, state.get(command.id), {
          tenantId: context.tenantId,
          collection: collection.name,
          now,
          validate: (data) => deps.validator.validate(collection, data),
          pointer: options.pointerFor(index),
          ...(options.versionPointer ? { versionPointer: options.versionPointer } : {}),
        });
        state.set(command.id, change.after);
        return change;
      });
      const events = changes.flatMap((change) => (change.event ? [toEnvelope(deps, context, change, now)] : []));
      return { changes, events };
    },
    options.idempotency,
  );
}

function toEnvelope(deps: RecordsDeps, context: WriteContext, change: RecordChange, now: Date): EventEnvelope {
  const event = change.event!;
  const record = change.after;
  const envelope: EventEnvelope = {
    specversion: '1.0',
    id: deps.ids.next(),
    source: RECORDS_SOURCE,
    type: event.type,
    subject: recordStreamId(record.collection, record.id),
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: recordSchemaUri(event.type),
    data: event.data,
    tenantid: context.tenantId,
    streamid: recordStreamId(record.collection, record.id),
    streamversion: record.version,
  };
  if (context.correlationId) envelope.correlationid = context.correlationId;
  if (context.causationId) envelope.causationid = context.causationId;
  if (context.traceparent) envelope.traceparent = context.traceparent;
  return envelope;
}
