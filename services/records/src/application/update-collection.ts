import { HexbaseError } from '@hexbase/contracts';
import type { Collection, CollectionDefinition } from '../domain/collection';
import { announceCollection, type ChangeOrigin } from './announce-collection';
import { assertValidDefinition } from './create-collection';
import type { RecordsDeps } from './deps';
import type { IdempotentRequest, WriteOutcome } from './ports';

/**
 * Replaces a collection's definition (schema, unique and indexed fields, search settings) and
 * commits a `collection.updated` event with it. Existing records are not re-validated: the new
 * schema applies to writes from now on (documented in docs/records.md).
 */
export async function updateCollection(
  deps: Pick<RecordsDeps, 'collections' | 'validator' | 'clock' | 'ids'>,
  tenantId: string,
  definition: CollectionDefinition,
  expectedVersion: number | undefined,
  idempotency?: IdempotentRequest,
  origin: ChangeOrigin = {},
): Promise<WriteOutcome<Collection>> {
  assertValidDefinition(deps, definition);
  return deps.collections.update(
    tenantId,
    definition.name,
    (current) => {
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new HexbaseError(
          'VERSION_MISMATCH',
          'precondition_failed',
          `collection ${current.name} is at version ${current.version}, not ${expectedVersion}`,
          [{ field: '/headers/if-match', rule: 'version', message: `expected version ${expectedVersion}, current version ${current.version}` }],
          { currentVersion: current.version },
        );
      }
      const { search, ...rest } = definition;
      const next: Collection = { ...current, ...rest, version: current.version + 1, updatedAt: deps.clock.now() };
      if (search) next.search = search;
      else delete next.search;
      return { collection: next, event: announceCollection(deps, origin, next, current) };
    },
    idempotency,
  );
}
