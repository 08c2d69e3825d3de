import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { RecordEventType, recordSchemaUri, type EventEnvelope, type RecordEventType as RecordEventTypeName } from '@hexbase/contracts';

/** Test fixtures: record streams shaped exactly as the records service writes them. */

export type RecordOp = { op: 'update'; data: Record<string, unknown> } | { op: 'delete' } | { op: 'restore' } | { op: 'purge' };

const fieldValue = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', ''), fc.boolean(), fc.constant(null), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }), fc.record({ x: fc.integer({ min: 0, max: 2 }) }, { requiredKeys: [] }));
export const recordData = fc.dictionary(fc.constantFrom('title', 'done', 'priority', 'tags', 'meta'), fieldValue, { maxKeys: 4 });

/** A record's life after its creation: updates, deletes and restores in any order, maybe a purge at the end. */
export const recordOps = fc
  .tuple(fc.array(fc.oneof({ weight: 4, arbitrary: recordData.map((data) => ({ op: 'update', data }) as RecordOp) }, fc.constant<RecordOp>({ op: 'delete' }), fc.constant<RecordOp>({ op: 'restore' })), { maxLength: 30 }), fc.boolean())
  .map(([ops, purge]) => (purge ? [...ops, { op: 'purge' } as RecordOp] : ops));

/** Milliseconds between consecutive events: often 0, so several versions share one instant. */
export const gaps = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5000 })), { minLength: 40, maxLength: 40 });

/**
 * The events the records service would write for a record created with `initial` and then put
 * through `ops`: no-op commands (deleting a deleted record, the same data again) write nothing,
 * and nothing follows a purge.
 */
export function recordEvents(tenantId: string, collection: string, id: string, initial: Record<string, unknown>, ops: RecordOp[], start: Date, gapsMs: number[]): EventEnvelope[] {
  const streamId = `${collection}/${id}`;
  let time = start.getTime();
  let data = initial;
  let deleted = false;
  const events: EventEnvelope[] = [];
  const emit = (type: RecordEventTypeName, payload: Record<string, unknown>) => {
    const version = events.length + 1;
    events.push({
      specversion: '1.0',
      id: randomUUID(),
      source: '/hexbase/records',
      type,
      subject: streamId,
      time: new Date(time).toISOString(),
      datacontenttype: 'application/json',
      dataschema: recordSchemaUri(type),
      data: { collection, id, version, ...payload },
      tenantid: tenantId,
      streamid: streamId,
      streamversion: version,
    });
    time += gapsMs[events.length % gapsMs.length] ?? 1;
  };
  emit(RecordEventType.created, { data });
  for (const op of ops) {
    if (op.op === 'update' && !deleted && JSON.stringify(op.data) !== JSON.stringify(data)) {
      const changedFields = [...new Set([...Object.keys(data), ...Object.keys(op.data)])].filter((key) => JSON.stringify(data[key]) !== JSON.stringify(op.data[key]));
      emit(RecordEventType.updated, { data: op.data, previous: data, changedFields });
      data = op.data;
    } else if (op.op === 'delete' && !deleted) {
      deleted = true;
      emit(RecordEventType.deleted, { deletedAt: new Date(time).toISOString() });
    } else if (op.op === 'restore' && deleted) {
      deleted = false;
      emit(RecordEventType.restored, { data });
    } else if (op.op === 'purge') {
      emit(RecordEventType.purged, {});
      break;
    }
  }
  return events;
}
