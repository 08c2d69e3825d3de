import { CollectionEventType, collectionSchemaUri, collectionStreamId, type CollectionDefinitionV1, type EventEnvelope } from '@hexbase/contracts';
import type { Collection } from '../domain/collection';
import { jsonEqual } from '../domain/json-equal';
import type { RecordsDeps } from './deps';
import type { WriteContext } from './ports';
import { RECORDS_SOURCE } from './write-records';

/** Where a definition change came from, carried into its event (the tenant is the collection's). */
export type ChangeOrigin = Omit<WriteContext, 'tenantId'>;

const DEFINITION_KEYS = ['description', 'schema', 'uniqueFields', 'indexedFields', 'search'] as const;

/**
 * The event announcing a collection's definition at its new version: `collection.created` for
 * version 1, `collection.updated` (with the keys that changed) afterwards. Stream
 * `_collections/<name>`, whose versions are the collection's versions.
 */
export function announceCollection(deps: Pick<RecordsDeps, 'ids'>, origin: ChangeOrigin, collection: Collection, previous?: Collection): EventEnvelope {
  const type = previous ? CollectionEventType.updated : CollectionEventType.created;
  const definition = definitionOf(collection);
  const data = previous ? { ...definition, changedFields: DEFINITION_KEYS.filter((key) => !jsonEqual(definition[key] ?? null, definitionOf(previous)[key] ?? null)) } : definition;
  const streamId = collectionStreamId(collection.name);
  const event: EventEnvelope = {
    specversion: '1.0',
    id: deps.ids.next(),
    source: RECORDS_SOURCE,
    type,
    subject: streamId,
    time: collection.updatedAt.toISOString(),
    datacontenttype: 'application/json',
    dataschema: collectionSchemaUri(type),
    data,
    tenantid: collection.tenantId,
    streamid: streamId,
    streamversion: collection.version,
  };
  if (origin.correlationId) event.correlationid = origin.correlationId;
  if (origin.causationId) event.causationid = origin.causationId;
  if (origin.traceparent) event.traceparent = origin.traceparent;
  return event;
}

function definitionOf(collection: Collection): CollectionDefinitionV1 {
  return {
    name: collection.name,
    version: collection.version,
    description: collection.description,
    schema: collection.schema,
    uniqueFields: collection.uniqueFields,
    indexedFields: collection.indexedFields,
    search: collection.search ?? null,
  };
}
