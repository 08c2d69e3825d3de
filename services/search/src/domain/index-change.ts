import { COLLECTIONS_STREAM_PREFIX, HexbaseError, SEARCH_LANGUAGES, RecordEventType, isCollectionEventType, isRecordEventType, recordStreamId, type EventEnvelope } from '@hexbase/contracts';
import type { SearchSettings } from './index-settings';

/**
 * A record's state at a version, as one event tells it. Every upsert carries the record's whole
 * data, a delete only hides it and a purge removes its data, so applying the newest version seen
 * and ignoring older ones leaves the index exactly as the record is at that version, whatever
 * order the events arrive in.
 */
export type RecordChange =
  | { kind: 'upsert'; tenantId: string; collection: string; recordId: string; version: number; data: Record<string, unknown> }
  | { kind: 'delete' | 'purge'; tenantId: string; collection: string; recordId: string; version: number };

/** A collection's search settings at a definition version (null: the collection is not searchable). */
export interface SettingsChange {
  tenantId: string;
  collection: string;
  version: number;
  settings: SearchSettings | null;
}

export type IndexChange = { kind: 'record'; change: RecordChange } | { kind: 'settings'; change: SettingsChange };

/**
 * What an event means for the index, or undefined for events it does not follow. A record or
 * collection event whose payload does not have the expected shape is a MALFORMED_EVENT
 * (validation: dead-lettered, never retried).
 */
export function indexChangeOf(event: EventEnvelope): IndexChange | undefined {
  if (isRecordEventType(event.type)) return { kind: 'record', change: recordChangeOf(event) };
  if (isCollectionEventType(event.type)) return { kind: 'settings', change: settingsChangeOf(event) };
  return undefined;
}

function recordChangeOf(event: EventEnvelope): RecordChange {
  const payload = event.data as Record<string, unknown> | null;
  const collection = payload?.collection;
  const recordId = payload?.id;
  if (typeof collection !== 'string' || typeof recordId !== 'string' || event.streamid !== recordStreamId(collection, recordId)) {
    throw malformed(event, 'data.collection and data.id must name the event stream');
  }
  const base = { tenantId: event.tenantid, collection, recordId, version: event.streamversion };
  switch (event.type) {
    case RecordEventType.created:
    case RecordEventType.updated:
    case RecordEventType.restored: {
      const data = payload!.data;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw malformed(event, 'data.data must be the record object');
      return { kind: 'upsert', ...base, data: data as Record<string, unknown> };
    }
    case RecordEventType.deleted:
      return { kind: 'delete', ...base };
    default:
      return { kind: 'purge', ...base };
  }
}

function settingsChangeOf(event: EventEnvelope): SettingsChange {
  const payload = event.data as Record<string, unknown> | null;
  const name = payload?.name;
  if (typeof name !== 'string' || event.streamid !== `${COLLECTIONS_STREAM_PREFIX}${name}`) throw malformed(event, 'data.name must name the event stream');
  const search = payload!.search ?? null;
  if (search !== null && !isSettings(search)) throw malformed(event, 'data.search must be search settings or null');
  return { tenantId: event.tenantid, collection: name, version: event.streamversion, settings: search };
}

function isSettings(value: unknown): value is SearchSettings {
  if (typeof value !== 'object' || value === null) return false;
  const settings = value as Record<string, unknown>;
  const lists = ['searchableFields', 'filterableFields', 'facetableFields', 'sortableFields', 'stopWords'];
  return (
    lists.every((key) => Array.isArray(settings[key])) &&
    (SEARCH_LANGUAGES as readonly unknown[]).includes(settings.language) &&
    typeof settings.synonyms === 'object' &&
    settings.synonyms !== null
  );
}

function malformed(event: EventEnvelope, reason: string): HexbaseError {
  return new HexbaseError('MALFORMED_EVENT', 'validation', `event ${event.id} (${event.type}) cannot be indexed: ${reason}`);
}
