import { HexbaseError } from '@hexbase/contracts';
import type { Collection, CollectionDefinition } from '../domain/collection';
import { assertValidDefinition } from './create-collection';
import type { RecordsDeps } from './deps';
import type { IdempotentRequest, WriteOutcome } from './ports';

/**
 * Replaces a collection's schema, unique and indexed fields. Existing records are not re-validated:
 * the new schema applies to writes from now on (documented in docs/records.md).
 */
export async function updateCollection(
  deps: Pick<RecordsDeps, 'collections' | 'validator' | 'clock'>,
  tenantId: string,
  definition: CollectionDefinition,
  expectedVersion: number | undefined,
  idempotency?: IdempotentRequest,
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
      return { ...current, ...definition, version: current.version + 1, updatedAt: deps.clock.now() };
    },
    idempotency,
  );
}
