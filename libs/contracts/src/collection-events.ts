import { schemaUri } from './envelope';

/**
 * Collection definition events, published by the records service in the same transaction as the
 * definition change. Stream `_collections/<name>` (no record stream can take that name: collection
 * names start with a letter), version = the collection's version, subject = the stream id.
 */
export const CollectionEventType = {
  created: 'collection.created',
  updated: 'collection.updated',
} as const;
export type CollectionEventType = (typeof CollectionEventType)[keyof typeof CollectionEventType];

export const COLLECTION_EVENT_SCHEMA_VERSION = 1;
export const COLLECTIONS_STREAM_PREFIX = '_collections/';

/** The four weight classes of a PostgreSQL tsvector, A the strongest. */
export const SEARCH_WEIGHT_CLASSES = ['A', 'B', 'C', 'D'] as const;
export type SearchWeightClass = (typeof SEARCH_WEIGHT_CLASSES)[number];

/**
 * The text search configurations every PostgreSQL 15 server has (`\dF`): the language of a
 * collection's search settings. `simple` lower-cases words without stemming or stop words.
 */
export const SEARCH_LANGUAGES = [
  'simple', 'arabic', 'armenian', 'basque', 'catalan', 'danish', 'dutch', 'english', 'finnish', 'french', 'german', 'greek', 'hindi',
  'hungarian', 'indonesian', 'irish', 'italian', 'lithuanian', 'nepali', 'norwegian', 'portuguese', 'romanian', 'russian', 'serbian',
  'spanish', 'swedish', 'tamil', 'turkish', 'yiddish',
] as const;
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];

export interface SearchableFieldV1 {
  /** Dotted path into the record data. */
  field: string;
  /** A weight class, or a positive number; one collection uses either letters or numbers. */
  weight: SearchWeightClass | number;
}

/** How a collection's records are searched: part of the collection definition. */
export interface CollectionSearchSettingsV1 {
  searchableFields: SearchableFieldV1[];
  filterableFields: string[];
  facetableFields: string[];
  sortableFields: string[];
  language: SearchLanguage;
  /** One-way: a query word (the key) also matches each of its synonyms (words or phrases). */
  synonyms: Record<string, string[]>;
  /** Words ignored in queries, in addition to the language's own stop words. */
  stopWords: string[];
}

export interface CollectionDefinitionV1 {
  name: string;
  version: number;
  description: string;
  schema: Record<string, unknown>;
  uniqueFields: string[];
  indexedFields: Array<{ field: string; type: string }>;
  /** Null when the collection is not searchable. */
  search: CollectionSearchSettingsV1 | null;
}

export type CollectionCreatedV1 = CollectionDefinitionV1;

export interface CollectionUpdatedV1 extends CollectionDefinitionV1 {
  /** Top-level keys of the definition whose value changed (`schema`, `search`...). */
  changedFields: string[];
}

export interface CollectionEventPayloads {
  'collection.created': CollectionCreatedV1;
  'collection.updated': CollectionUpdatedV1;
}

export function collectionSchemaUri(type: CollectionEventType): string {
  return schemaUri(type, COLLECTION_EVENT_SCHEMA_VERSION);
}

export function collectionStreamId(name: string): string {
  return `${COLLECTIONS_STREAM_PREFIX}${name}`;
}

export function isCollectionEventType(type: string): type is CollectionEventType {
  return (Object.values(CollectionEventType) as string[]).includes(type);
}
