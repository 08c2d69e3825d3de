import { HexbaseError, RecordEventType, conflict, notFound, type FieldViolation } from '@hexbase/contracts';
import { applyMergePatch, isPlainObject } from './merge-patch';
import { jsonEqual } from './json-equal';

export type RecordData = Record<string, unknown>;

export interface StoredRecord {
  tenantId: string;
  collection: string;
  id: string;
  data: RecordData;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  purgedAt: Date | null;
}

export type RecordCommand =
  | { op: 'create'; id: string; data: unknown }
  | { op: 'replace'; id: string; data: unknown; expectedVersion?: number }
  | { op: 'patch'; id: string; patch: unknown; expectedVersion?: number }
  | { op: 'delete'; id: string; expectedVersion?: number }
  | { op: 'restore'; id: string; expectedVersion?: number }
  | { op: 'purge'; id: string; expectedVersion?: number };

export interface RecordEventDraft {
  type: RecordEventType;
  data: Record<string, unknown>;
}

/** The outcome of one command: the state after it and the event describing it (none for a no-op). */
export interface RecordChange {
  command: RecordCommand;
  before: StoredRecord | undefined;
  after: StoredRecord;
  event: RecordEventDraft | undefined;
}

export interface DecideContext {
  tenantId: string;
  collection: string;
  now: Date;
  /** JSON Schema violations of a record's data, with fields as JSON Pointers relative to the data. */
  validate(data: RecordData): FieldViolation[];
  /** JSON Pointer of the command's data or merge patch in the request (`/body/data`, `/body`, `/body/operations/3/patch`). */
  dataPointer: string;
  /** JSON Pointer of the command's expected version (`/headers/if-match`, `/body/operations/3/expectedVersion`). */
  versionPointer: string;
}

/**
 * Decides what one command does to one record: pure, no I/O. Throws a HexbaseError when the
 * command is not allowed (missing record, stale version, invalid data).
 */
export function decideRecordCommand(command: RecordCommand, current: StoredRecord | undefined, context: DecideContext): RecordChange {
  if (command.op === 'create') return decideCreate(command, current, context);
  const live = requireExisting(command, current, context);
  checkExpectedVersion(command, live, context);
  switch (command.op) {
    case 'replace':
      return decideNewData(command, live, requireData(command.data, context), context);
    case 'patch': {
      if (!isPlainObject(command.patch)) throw invalid(context.dataPointer, 'type', 'a merge patch of a record must be a JSON object');
      return decideNewData(command, live, applyMergePatch(live.data, command.patch) as RecordData, context);
    }
    case 'delete':
      if (live.deletedAt) return { command, before: live, after: live, event: undefined };
      return change(command, live, { ...live, deletedAt: context.now }, RecordEventType.deleted, { deletedAt: context.now.toISOString() }, context);
    case 'restore':
      if (!live.deletedAt) return { command, before: live, after: live, event: undefined };
      return change(command, live, { ...live, deletedAt: null }, RecordEventType.restored, { data: live.data }, context);
    case 'purge':
      return change(command, live, { ...live, data: {}, purgedAt: context.now }, RecordEventType.purged, {}, context);
  }
}

function decideCreate(command: Extract<RecordCommand, { op: 'create' }>, current: StoredRecord | undefined, context: DecideContext): RecordChange {
  if (current?.purgedAt) throw conflict('RECORD_ID_PURGED', `record ${command.id} was purged; its id cannot be reused`);
  if (current) throw conflict('RECORD_EXISTS', `record ${command.id} already exists in ${context.collection}`, { id: command.id });
  const data = requireData(command.data, context);
  const violations = context.validate(data);
  if (violations.length > 0) throw invalidData(violations, context);
  const after: StoredRecord = {
    tenantId: context.tenantId,
    collection: context.collection,
    id: command.id,
    data,
    version: 1,
    createdAt: context.now,
    updatedAt: context.now,
    deletedAt: null,
    purgedAt: null,
  };
  return { command, before: undefined, after, event: { type: RecordEventType.created, data: eventBase(after, { data }) } };
}

function decideNewData(command: RecordCommand, live: StoredRecord, data: RecordData, context: DecideContext): RecordChange {
  if (live.deletedAt) throw conflict('RECORD_DELETED', `record ${live.id} is deleted; restore it before changing it`);
  const violations = context.validate(data);
  if (violations.length > 0) throw invalidData(violations, context);
  if (jsonEqual(data, live.data)) return { command, before: live, after: live, event: undefined };
  const changedFields = [...new Set([...Object.keys(live.data), ...Object.keys(data)])].filter((key) => !jsonEqual(live.data[key], data[key]));
  return change(command, live, { ...live, data }, RecordEventType.updated, { data, previous: live.data, changedFields }, context);
}

function change(command: RecordCommand, before: StoredRecord, next: StoredRecord, type: RecordEventType, payload: Record<string, unknown>, context: DecideContext): RecordChange {
  const after = { ...next, version: before.version + 1, updatedAt: context.now };
  return { command, before, after, event: { type, data: eventBase(after, payload) } };
}

function eventBase(record: StoredRecord, payload: Record<string, unknown>): Record<string, unknown> {
  return { collection: record.collection, id: record.id, version: record.version, ...payload };
}

function requireExisting(command: RecordCommand, current: StoredRecord | undefined, context: DecideContext): StoredRecord {
  if (!current || current.purgedAt) throw notFound('RECORD_NOT_FOUND', `record ${command.id} does not exist in ${context.collection}`);
  return current;
}

function checkExpectedVersion(command: Exclude<RecordCommand, { op: 'create' }>, live: StoredRecord, context: DecideContext): void {
  if (command.expectedVersion !== undefined && command.expectedVersion !== live.version) {
    throw new HexbaseError(
      'VERSION_MISMATCH',
      'precondition_failed',
      `record ${live.id} is at version ${live.version}, not ${command.expectedVersion}; read it again and retry`,
      [{ field: context.versionPointer, rule: 'version', message: `expected version ${command.expectedVersion}, current version ${live.version}` }],
      { currentVersion: live.version },
    );
  }
}

function requireData(data: unknown, context: DecideContext): RecordData {
  if (!isPlainObject(data)) throw invalid(context.dataPointer, 'type', 'record data must be a JSON object');
  return data;
}

function invalidData(violations: FieldViolation[], context: DecideContext): HexbaseError {
  return new HexbaseError(
    'RECORD_INVALID',
    'validation',
    `the record does not satisfy the ${context.collection} schema`,
    violations.map((violation) => ({ ...violation, field: `${context.dataPointer}${violation.field}` })),
  );
}

function invalid(field: string, rule: string, message: string): HexbaseError {
  return new HexbaseError('RECORD_INVALID', 'validation', message, [{ field, rule, message }]);
}
