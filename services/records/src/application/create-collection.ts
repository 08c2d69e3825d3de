import { validationError } from '@hexbase/contracts';
import { collectionDefinitionViolations, type Collection, type CollectionDefinition } from '../domain/collection';
import { announceCollection, type ChangeOrigin } from './announce-collection';
import type { RecordsDeps } from './deps';
import type { IdempotentRequest, WriteOutcome } from './ports';

/** Defines a collection; its `collection.created` event is committed with it. */
export async function createCollection(
  deps: Pick<RecordsDeps, 'collections' | 'validator' | 'ids'>,
  tenantId: string,
  definition: CollectionDefinition,
  idempotency?: IdempotentRequest,
  origin: ChangeOrigin = {},
): Promise<WriteOutcome<Collection>> {
  assertValidDefinition(deps, definition);
  return deps.collections.create(tenantId, definition, (created) => announceCollection(deps, origin, created), idempotency);
}

export function assertValidDefinition(deps: Pick<RecordsDeps, 'validator'>, definition: CollectionDefinition): void {
  const violations = [
    ...collectionDefinitionViolations(definition),
    ...deps.validator.checkSchema(definition.schema).map((violation) => ({ ...violation, field: `/schema${violation.field}` })),
  ];
  if (violations.length > 0) throw validationError('COLLECTION_INVALID', 'the collection definition is invalid', violations);
}
