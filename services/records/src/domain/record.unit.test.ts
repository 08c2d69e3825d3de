import { describe, expect, it } from 'vitest';
import type { FieldViolation } from '@hexbase/contracts';
import { decideRecordCommand, type DecideContext, type StoredRecord } from './record';

const now = new Date('2026-03-01T10:00:00.000Z');
const earlier = new Date('2026-02-01T10:00:00.000Z');

function context(violations: FieldViolation[] = []): DecideContext {
  return { tenantId: 't1', collection: 'orders', now, validate: () => violations, dataPointer: '/body/data', versionPointer: '/headers/if-match' };
}

const live: StoredRecord = { tenantId: 't1', collection: 'orders', id: 'o1', data: { status: 'open', total: 10 }, version: 3, createdAt: earlier, updatedAt: earlier, deletedAt: null, purgedAt: null };

describe('deciding a record command', () => {
  it('creates version 1 with a record.created event', () => {
    const change = decideRecordCommand({ op: 'create', id: 'o2', data: { status: 'open' } }, undefined, context());
    expect(change.after).toMatchObject({ id: 'o2', version: 1, createdAt: now, updatedAt: now, data: { status: 'open' } });
    expect(change.event).toEqual({ type: 'record.created', data: { collection: 'orders', id: 'o2', version: 1, data: { status: 'open' } } });
  });

  it('refuses to create over an existing or purged id', () => {
    expect(() => decideRecordCommand({ op: 'create', id: 'o1', data: {} }, live, context())).toThrow(expect.objectContaining({ code: 'RECORD_EXISTS', kind: 'conflict' }));
    expect(() => decideRecordCommand({ op: 'create', id: 'o1', data: {} }, { ...live, purgedAt: earlier }, context())).toThrow(expect.objectContaining({ code: 'RECORD_ID_PURGED' }));
  });

  it('reports schema violations under the data pointer', () => {
    const error = (() => {
      try {
        decideRecordCommand({ op: 'create', id: 'o2', data: {} }, undefined, context([{ field: '/status', rule: 'required', message: 'required' }]));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toMatchObject({ code: 'RECORD_INVALID', kind: 'validation', violations: [{ field: '/body/data/status', rule: 'required' }] });
  });

  it('replaces with the next version and says what changed', () => {
    const change = decideRecordCommand({ op: 'replace', id: 'o1', data: { status: 'paid', total: 10 } }, live, context());
    expect(change.after.version).toBe(4);
    expect(change.event?.type).toBe('record.updated');
    expect(change.event?.data).toMatchObject({ version: 4, previous: live.data, data: { status: 'paid', total: 10 }, changedFields: ['status'] });
  });

  it('applies a merge patch, and a patch that changes nothing writes nothing', () => {
    const patched = decideRecordCommand({ op: 'patch', id: 'o1', patch: { total: null, note: 'x' } }, live, context());
    expect(patched.after.data).toEqual({ status: 'open', note: 'x' });
    const same = decideRecordCommand({ op: 'patch', id: 'o1', patch: { status: 'open' } }, live, context());
    expect(same.event).toBeUndefined();
    expect(same.after.version).toBe(3);
  });

  it('fails a stale expected version with the current version', () => {
    expect(() => decideRecordCommand({ op: 'replace', id: 'o1', data: {}, expectedVersion: 2 }, live, context())).toThrow(
      expect.objectContaining({ code: 'VERSION_MISMATCH', kind: 'precondition_failed', extensions: { currentVersion: 3 } }),
    );
  });

  it('soft-deletes, refuses changes to a deleted record, and restores it', () => {
    const deleted = decideRecordCommand({ op: 'delete', id: 'o1' }, live, context());
    expect(deleted.after).toMatchObject({ deletedAt: now, version: 4 });
    expect(deleted.event?.type).toBe('record.deleted');
    expect(() => decideRecordCommand({ op: 'replace', id: 'o1', data: {} }, deleted.after, context())).toThrow(expect.objectContaining({ code: 'RECORD_DELETED' }));
    expect(decideRecordCommand({ op: 'delete', id: 'o1' }, deleted.after, context()).event).toBeUndefined();
    const restored = decideRecordCommand({ op: 'restore', id: 'o1' }, deleted.after, context());
    expect(restored.after).toMatchObject({ deletedAt: null, version: 5, data: live.data });
    expect(restored.event?.type).toBe('record.restored');
  });

  it('purges to an empty tombstone, after which the record is gone', () => {
    const purged = decideRecordCommand({ op: 'purge', id: 'o1' }, live, context());
    expect(purged.after).toMatchObject({ data: {}, purgedAt: now, version: 4 });
    expect(purged.event?.type).toBe('record.purged');
    expect(() => decideRecordCommand({ op: 'patch', id: 'o1', patch: {} }, purged.after, context())).toThrow(expect.objectContaining({ code: 'RECORD_NOT_FOUND' }));
  });
});
