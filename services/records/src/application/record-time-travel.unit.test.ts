import { describe, expect, it } from 'vitest';
import type { Clock } from '@hexbase/ports';
import { createAjvSchemaValidator } from '../adapters/ajv/ajv-schema-validator';
import { createMemoryCollections } from '../adapters/memory/memory-collections';
import { createMemoryRecordHistory } from '../adapters/memory/memory-record-history';
import { createMemoryRecordStore } from '../adapters/memory/memory-record-store';
import { createCollection } from './create-collection';
import type { RecordsDeps } from './deps';
import { getRecordAt, getRecordHistory } from './record-time-travel';
import { revertRecord } from './revert-record';
import { singleWritePointers, writeRecords } from './write-records';

let now = new Date('2026-05-01T12:00:00.000Z');
const clock: Clock = { now: () => now };
const tick = (ms: number) => (now = new Date(now.getTime() + ms));

async function given() {
  let counter = 0;
  const records = createMemoryRecordStore();
  const deps: RecordsDeps = {
    collections: createMemoryCollections(clock),
    records,
    validator: createAjvSchemaValidator(),
    ids: { next: () => `0190c000-0000-7000-8000-${String(++counter).padStart(12, '0')}` },
    clock,
    history: createMemoryRecordHistory(() => records.outbox),
  };
  await createCollection(deps, 'acme', { name: 'tasks', description: '', schema: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } }, uniqueFields: [], indexedFields: [] });
  const context = { tenantId: 'acme' };
  const single = { pointers: singleWritePointers };
  const write = async (command: Parameters<typeof writeRecords>[3][number]) => {
    tick(1000);
    return (await writeRecords(deps, context, 'tasks', [command], single)).result[0]!.record;
  };
  return { deps, records, context, write };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: { code: string }) => error.code);

describe('reading records as they were', () => {
  it('answers the record at a version or a time as a read answered then', async () => {
    const { deps, write } = await given();
    const v1 = await write({ op: 'create', id: 't1', data: { title: 'draft' } });
    const v2 = await write({ op: 'patch', id: 't1', patch: { title: 'final' } });
    const v3 = await write({ op: 'delete', id: 't1' });

    expect(await getRecordAt(deps, 'acme', 'tasks', 't1', { version: 1 }, { includeDeleted: false })).toEqual(v1);
    expect(await getRecordAt(deps, 'acme', 'tasks', 't1', { asOf: v2.updatedAt }, { includeDeleted: false })).toEqual(v2);
    expect(await getRecordAt(deps, 'acme', 'tasks', 't1', { asOf: v3.updatedAt }, { includeDeleted: true })).toEqual(v3);
    expect(await codeOf(getRecordAt(deps, 'acme', 'tasks', 't1', { asOf: v3.updatedAt }, { includeDeleted: false }))).toBe('RECORD_NOT_FOUND');
    expect(await codeOf(getRecordAt(deps, 'acme', 'tasks', 't1', { asOf: new Date(v1.createdAt.getTime() - 1) }, { includeDeleted: true }))).toBe('RECORD_NOT_FOUND');
    expect(await codeOf(getRecordAt(deps, 'acme', 'tasks', 't1', { version: 4 }, { includeDeleted: true }))).toBe('RECORD_VERSION_NOT_FOUND');
    expect(await codeOf(getRecordAt(deps, 'acme', 'tasks', 'none', { version: 1 }, { includeDeleted: true }))).toBe('RECORD_NOT_FOUND');
    expect(await codeOf(getRecordAt(deps, 'acme', 'nowhere', 't1', { version: 1 }, { includeDeleted: true }))).toBe('COLLECTION_NOT_FOUND');
  });

  it('serves no past of a purged record', async () => {
    const { deps, write } = await given();
    await write({ op: 'create', id: 't2', data: { title: 'secret' } });
    await write({ op: 'purge', id: 't2' });
    expect(await codeOf(getRecordAt(deps, 'acme', 'tasks', 't2', { version: 1 }, { includeDeleted: true }))).toBe('RECORD_NOT_FOUND');
    expect(await codeOf(getRecordHistory(deps, 'acme', 'tasks', 't2', { fromVersion: 1, limit: 10 }))).toBe('RECORD_NOT_FOUND');
  });

  it('lists the versions with their changes', async () => {
    const { deps, write } = await given();
    await write({ op: 'create', id: 't3', data: { title: 'a' } });
    await write({ op: 'replace', id: 't3', data: { title: 'b', done: true } });
    const page = await getRecordHistory(deps, 'acme', 'tasks', 't3', { fromVersion: 1, limit: 10 });
    expect(page.items.map((item) => [item.version, item.type, item.changes])).toEqual([
      [1, 'record.created', [{ op: 'add', path: '/title', value: 'a' }]],
      [2, 'record.updated', [{ op: 'replace', path: '/title', value: 'b', previous: 'a' }, { op: 'add', path: '/done', value: true }]],
    ]);
    expect((await getRecordHistory(deps, 'acme', 'tasks', 't3', { fromVersion: 3, limit: 10 })).items).toEqual([]);
  });

  it('answers 501 when no event store is wired', async () => {
    const { deps, write } = await given();
    await write({ op: 'create', id: 't4', data: { title: 'a' } });
    const { history: _history, ...withoutHistory } = deps;
    expect(await codeOf(getRecordAt(withoutHistory, 'acme', 'tasks', 't4', { version: 1 }, { includeDeleted: true }))).toBe('TIME_TRAVEL_NOT_CONFIGURED');
  });
});

describe('reverting a record to an earlier version', () => {
  it('writes the earlier data as a new version with a record.updated event', async () => {
    const { deps, records, context, write } = await given();
    await write({ op: 'create', id: 'r1', data: { title: 'first' } });
    await write({ op: 'replace', id: 'r1', data: { title: 'second' } });
    tick(1000);
    const { result } = await revertRecord(deps, context, 'tasks', 'r1', 1, {});
    expect(result[0]!.record).toMatchObject({ version: 3, data: { title: 'first' } });
    expect(records.outbox.at(-1)).toMatchObject({ type: 'record.updated', streamversion: 3, data: { data: { title: 'first' }, previous: { title: 'second' }, changedFields: ['title'] } });
  });

  it('honours If-Match, refuses unknown versions and deleted records, and changes nothing when the data is the same', async () => {
    const { deps, records, context, write } = await given();
    await write({ op: 'create', id: 'r2', data: { title: 'first' } });
    await write({ op: 'replace', id: 'r2', data: { title: 'second' } });
    expect(await codeOf(revertRecord(deps, context, 'tasks', 'r2', 1, { expectedVersion: 1 }))).toBe('VERSION_MISMATCH');
    expect(await codeOf(revertRecord(deps, context, 'tasks', 'r2', 3, {}))).toBe('RECORD_VERSION_NOT_FOUND');
    const events = records.outbox.length;
    expect((await revertRecord(deps, context, 'tasks', 'r2', 2, {})).result[0]).toMatchObject({ changed: false, record: { version: 2 } });
    expect(records.outbox).toHaveLength(events);
    await write({ op: 'delete', id: 'r2' });
    expect(await codeOf(revertRecord(deps, context, 'tasks', 'r2', 1, {}))).toBe('RECORD_DELETED');
  });
});
