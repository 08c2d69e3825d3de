import { HexbaseError, isHexbaseError, recordSchemaUri, recordStreamId, type EventEnvelope } from '@hexbase/contracts';
import { decideRecordCommand, type RecordChange, type RecordCommand } from '../domain/record';
import type { RecordsDeps } from './deps';
import type { IdempotentRequest, RecordWriteResult, WriteContext, WriteOutcome } from './ports';
import { requireCollection } from './require-collection';

export const MAX_BULK_OPERATIONS = 1000;

/** Where a command's parts sit in the request, so violations name the field the client sent. */
export interface CommandPointers {
  dataPointer: string;
  versionPointer: string;
}

/** A single write: the body holds the data (or is the merge patch); the version comes in If-Match. */
export const singleWritePointers = (_index: number, op: RecordCommand['op']): CommandPointers => ({
  dataPointer: op === 'patch' ? '/body' : '/body/data',
  versionPointer: '/headers/if-match',
});

/** A bulk write: each operation holds its data or patch and its expected version. */
export const bulkWritePointers = (index: number, op: RecordCommand['op']): CommandPointers => ({
  dataPointer: `/body/operations/${index}/${op === 'patch' ? 'patch' : 'data'}`,
  versionPointer: `/body/operations/${index}/expectedVersion`,
});
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
  options: { idempotency?: IdempotentRequest; pointers: (index: number, op: RecordCommand['op']) => CommandPointers },
): Promise<WriteOutcome<RecordWriteResult[]>> {
  const collection = await requireCollection(deps.collections, context.tenantId, collectionName);
  const commands: RecordCommand[] = inputs.map((input) => (input.op === 'create' ? { ...input, id: input.id ?? deps.ids.next() } : input));
  const ids = [...new Set(commands.map((command) => command.id))];

  const attempt = deps.records.change(
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
          ...options.pointers(index, command.op),
        });
        state.set(command.id, change.after);
        return change;
      });
      const events = changes.flatMap((change) => (change.event ? [toEnvelope(deps, context, change, now)] : []));
      return { changes, events };
    },
    options.idempotency,
  );
  return attempt.catch((error: unknown) => {
    throw pointAtOperation(error, commands, options.pointers);
  });
}

/** Re-points a unique violation at the operation that wrote the clashing value (the last one on that record). */
function pointAtOperation(error: unknown, commands: RecordCommand[], pointers: (index: number, op: RecordCommand['op']) => CommandPointers): unknown {
  if (!isHexbaseError(error) || error.code !== 'UNIQUE_VIOLATION') return error;
  const { recordId, uniqueField } = error.extensions as { recordId?: string; uniqueField?: string };
  const index = commands.map((command) => command.id).lastIndexOf(recordId ?? '');
  const op = commands[index]?.op;
  // A restore sends no data: the clash is in the stored record's data, as the error already says.
  if (index < 0 || !uniqueField || op === 'restore') return error;
  const field = `${pointers(index, op!).dataPointer}/${uniqueField.replace(/\./g, '/')}`;
  return new HexbaseError('UNIQUE_VIOLATION', error.kind, error.message, [{ ...error.violations[0]!, field }], { id: recordId });
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
