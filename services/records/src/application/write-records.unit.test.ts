import { describe, expect, it } from 'vitest';
import type { Clock } from '@hexbase/ports';
import { createMemoryCollections } from '../adapters/memory/memory-collections';
import { createMemoryRecordStore } from '../adapters/memory/memory-record-store';
import { createAjvSchemaValidator } from '../adapters/ajv/ajv-schema-validator';
import { createCollection } from './create-collection';
import type { RecordsDeps } from './deps';
import { bulkWritePointers, singleWritePointers, writeRecords } from './write-records';

const clock: Clock = { now: () => new Date('2026-05-01T12:00:00.000Z') };

async function given() {
  let counter = 0;
  const records = createMemoryRecordStore();
  const deps: RecordsDeps = {
    collections: createMemoryCollections(clock),
    records,
    validator: createAjvSchemaValidator(),
    ids: { next: () => `0190c000-0000-7000-8000-${String(++counter).padStart(12, '0')}` },
    clock,
  };
  await createCollection(deps, 'acme', {
    name: 'orders',
    description: '',
    schema: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
    uniqueFields: [],
    indexedFields: [],
  });
  // Ids in the assertions below count from the first record write, not the collection's event.
  counter = 0;
  return { deps, outbox: records.outbox };
}

const single = { pointers: singleWritePointers };
const context = { tenantId: 'acme', correlationId: 'req-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

describe('writing records', () => {
  it('gives a new record a server id and puts a complete CloudEvent in the outbox', async () => {
    const { deps, outbox } = await given();
    const { result } = await writeRecords(deps, context, 'orders', [{ op: 'create', data: { total: 5 } }], single);
    const id = result[0]!.record.id;
    expect(id).toBe('0190c000-0000-7000-8000-000000000001');
    expect(outbox).toEqual([
      {
        specversion: '1.0',
        id: '0190c000-0000-7000-8000-000000000002',
        source: '/hexbase/records',
        type: 'record.created',
        subject: `orders/${id}`,
        time: '2026-05-01T12:00:00.000Z',
        datacontenttype: 'application/json',
        dataschema: 'urn:hexbase:schema:record.created:1',
        data: { collection: 'orders', id, version: 1, data: { total: 5 } },
        tenantid: 'acme',
        streamid: `orders/${id}`,
        streamversion: 1,
        correlationid: 'req-1',
        traceparent: context.traceparent,
      },
    ]);
  });

  it('applies a bulk in order, several commands on one record included, with one event per change', async () => {
    const { deps, outbox } = await given();
    const { result } = await writeRecords(
      deps,
      context,
      'orders',
      [
        { op: 'create', id: 'o1', data: { total: 1 } },
        { op: 'patch', id: 'o1', patch: { total: 2 } },
        { op: 'patch', id: 'o1', patch: { total: 2 } },
        { op: 'delete', id: 'o1', expectedVersion: 2 },
      ],
      { pointers: bulkWritePointers },
    );
    expect(result.map((item) => [item.op, item.record.version, item.changed])).toEqual([
      ['create', 1, true],
      ['patch', 2, true],
      ['patch', 2, false],
      ['delete', 3, true],
    ]);
    expect(outbox.map((event) => [event.type, event.streamversion])).toEqual([
      ['record.created', 1],
      ['record.updated', 2],
      ['record.deleted', 3],
    ]);
  });

  it('writes nothing of a bulk when one command fails, and names the failing operation', async () => {
    const { deps, outbox } = await given();
    await expect(
      writeRecords(deps, context, 'orders', [{ op: 'create', id: 'ok', data: { total: 1 } }, { op: 'create', id: 'bad', data: { total: 'x' } }], {
        pointers: bulkWritePointers,
      }),
    ).rejects.toMatchObject({ code: 'RECORD_INVALID', violations: [{ field: '/body/operations/1/data/total', rule: 'type' }] });
    expect(outbox).toEqual([]);
    expect(await deps.records.get('acme', 'orders', 'ok')).toBeUndefined();
  });

  it('refuses writes to a collection the tenant does not have', async () => {
    const { deps } = await given();
    await expect(writeRecords(deps, { tenantId: 'other' }, 'orders', [{ op: 'create', data: { total: 1 } }], single)).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND', kind: 'not_found' });
  });
});
