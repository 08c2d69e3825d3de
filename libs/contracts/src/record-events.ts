import { schemaUri } from './envelope';

/** Record event types. Version numbers belong to the payload schema; a breaking change adds a version and an upcaster. */
export const RecordEventType = {
  created: 'record.created',
  updated: 'record.updated',
  deleted: 'record.deleted',
  restored: 'record.restored',
  purged: 'record.purged',
} as const;
export type RecordEventType = (typeof RecordEventType)[keyof typeof RecordEventType];

export const RECORD_EVENT_SCHEMA_VERSION = 1;

export interface RecordCreatedV1 {
  collection: string;
  id: string;
  version: number;
  data: Record<string, unknown>;
}

export interface RecordUpdatedV1 {
  collection: string;
  id: string;
  version: number;
  /** The whole record after the change. */
  data: Record<string, unknown>;
  /** The whole record before the change, so consumers can see what changed without a read. */
  previous: Record<string, unknown>;
  /** Top-level fields whose value changed. */
  changedFields: string[];
}

export interface RecordDeletedV1 {
  collection: string;
  id: string;
  version: number;
  deletedAt: string;
}

export interface RecordRestoredV1 {
  collection: string;
  id: string;
  version: number;
  data: Record<string, unknown>;
}

export interface RecordPurgedV1 {
  collection: string;
  id: string;
  version: number;
}

export interface RecordEventPayloads {
  'record.created': RecordCreatedV1;
  'record.updated': RecordUpdatedV1;
  'record.deleted': RecordDeletedV1;
  'record.restored': RecordRestoredV1;
  'record.purged': RecordPurgedV1;
}

export function recordSchemaUri(type: RecordEventType): string {
  return schemaUri(type, RECORD_EVENT_SCHEMA_VERSION);
}

export function recordStreamId(collection: string, recordId: string): string {
  return `${collection}/${recordId}`;
}

export function isRecordEventType(type: string): type is RecordEventType {
  return (Object.values(RecordEventType) as string[]).includes(type);
}
