import { validationError, type FieldViolation } from '@hexbase/contracts';
import type { RetentionPolicy, RetentionScope } from '../domain/retention-policy';
import { COLLECTION } from './parse-event-selector';
import type { Retention } from './ports';

export interface RetentionPolicyInput {
  tenantId: string;
  scope: RetentionScope;
  target: string;
  maxAgeSeconds?: number | null;
  maxCount?: number | null;
}

/** Sets (creates or replaces) the retention policy of one stream or one collection. */
export async function putRetentionPolicy(retention: Retention, input: RetentionPolicyInput): Promise<RetentionPolicy> {
  const violations: FieldViolation[] = [];
  if (input.scope === 'collection' && !COLLECTION.test(input.target)) {
    violations.push({ field: '/body/target', rule: 'pattern', message: 'a collection name is a lower-case letter followed by up to 62 lower-case letters, digits or _' });
  }
  if (input.scope === 'stream' && (input.target.length === 0 || input.target.length > 300)) {
    violations.push({ field: '/body/target', rule: 'length', message: 'a stream id has 1 to 300 characters' });
  }
  const maxAgeSeconds = input.maxAgeSeconds ?? undefined;
  const maxCount = input.maxCount ?? undefined;
  if (maxAgeSeconds === undefined && maxCount === undefined) {
    violations.push({ field: '/body/maxCount', rule: 'required', message: 'give maxCount, maxAgeSeconds or both' });
  }
  if (violations.length > 0) throw validationError('INVALID_RETENTION_POLICY', `The retention policy is invalid: ${violations.map((violation) => violation.field).join(', ')}`, violations);
  return retention.putPolicy({ tenantId: input.tenantId, scope: input.scope, target: input.target, ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}), ...(maxCount !== undefined ? { maxCount } : {}) });
}
