import { HexbaseError, type FieldViolation } from '@hexbase/contracts';
import { COLLECTION_NAME, checkName } from './names';
import { isPlainObject } from './merge-patch';
import { FIELD_PATH } from './field-path';
import { searchSettingsViolations, type CollectionSearchSettings } from './search-settings';

export { FIELD_PATH };

export const INDEXED_FIELD_TYPES = ['text', 'numeric'] as const;
export type IndexedFieldType = (typeof INDEXED_FIELD_TYPES)[number];

export interface IndexedField {
  /** Dotted path into the record data, e.g. `price` or `address.city`. */
  field: string;
  type: IndexedFieldType;
}

export interface Collection {
  tenantId: string;
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) every record's data must satisfy. */
  schema: Record<string, unknown>;
  uniqueFields: string[];
  indexedFields: IndexedField[];
  /** How records are searched; absent when the collection is not searchable. */
  search?: CollectionSearchSettings;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface CollectionDefinition {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  uniqueFields: string[];
  indexedFields: IndexedField[];
  search?: CollectionSearchSettings;
}

export const MAX_UNIQUE_FIELDS = 16;
export const MAX_INDEXED_FIELDS = 32;

/** Rules on a collection definition that JSON Schema validation of the request cannot express. */
export function collectionDefinitionViolations(definition: CollectionDefinition): FieldViolation[] {
  const violations = checkName(definition.name, COLLECTION_NAME, '/name', 'lower-case letters, digits and _ starting with a letter, at most 63 characters');
  if (!isPlainObject(definition.schema)) {
    violations.push({ field: '/schema', rule: 'type', message: 'schema must be a JSON Schema object' });
  } else if (definition.schema.type !== undefined && definition.schema.type !== 'object') {
    violations.push({ field: '/schema/type', rule: 'const', message: 'records are JSON objects: the schema type must be "object"' });
  }
  definition.uniqueFields.forEach((field, index) => {
    if (!FIELD_PATH.test(field)) violations.push({ field: `/uniqueFields/${index}`, rule: 'pattern', message: `"${field}" is not a dotted field path` });
  });
  if (new Set(definition.uniqueFields).size !== definition.uniqueFields.length) {
    violations.push({ field: '/uniqueFields', rule: 'uniqueItems', message: 'uniqueFields must not repeat a field' });
  }
  definition.indexedFields.forEach((indexed, index) => {
    if (!FIELD_PATH.test(indexed.field)) violations.push({ field: `/indexedFields/${index}/field`, rule: 'pattern', message: `"${indexed.field}" is not a dotted field path` });
  });
  const indexedKeys = definition.indexedFields.map((indexed) => indexed.field);
  if (new Set(indexedKeys).size !== indexedKeys.length) {
    violations.push({ field: '/indexedFields', rule: 'uniqueItems', message: 'indexedFields must not repeat a field' });
  }
  if (definition.search) violations.push(...searchSettingsViolations(definition.search));
  return violations;
}

export function fieldPathSegments(path: string): string[] {
  return path.split('.');
}

/** The value at a dotted path, or undefined when any segment is missing. */
export function valueAtPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const segment of fieldPathSegments(path)) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/**
 * A unique field's value already held by another live record. `field` names the path inside the
 * record data; the use case re-points it at the request part that carried the value.
 */
export function uniqueViolation(collection: string, field: string, value: string, recordId: string): HexbaseError {
  return new HexbaseError(
    'UNIQUE_VIOLATION',
    'conflict',
    `another record of ${collection} already has ${field} = ${value}`,
    [{ field: `/data/${field.replace(/\./g, '/')}`, rule: 'unique', message: `${field} must be unique in ${collection}` }],
    { recordId, uniqueField: field },
  );
}
