import { validationError, type FieldViolation } from '@hexbase/contracts';
import type { ErasureSelector } from '../domain/erasure';
import type { Erasures } from './ports';

/** A path into an event's data: `data` then one or more keys. */
export const ERASURE_FIELD = /^data(\.[A-Za-z0-9_-]{1,100}){1,16}$/;

/**
 * Erases the data of a data subject's events: those of the listed streams, or those whose data
 * holds `value` at `field`, or (both given) those of the listed streams that hold it. An empty
 * selection would erase everything and is refused.
 */
export async function erasePersonalData(erasures: Erasures, tenantId: string, selector: ErasureSelector): Promise<{ id: string; eventsErased: number; createdAt: string }> {
  const violations: FieldViolation[] = [];
  if (selector.streams === undefined && selector.field === undefined) {
    violations.push({ field: '/body/streams', rule: 'required', message: 'give streams, or a field and a value, or both' });
  }
  if (selector.field !== undefined && !ERASURE_FIELD.test(selector.field)) {
    violations.push({ field: '/body/field', rule: 'pattern', message: 'a path into the event data such as data.data.email: "data" then keys separated by dots' });
  }
  if (selector.field !== undefined && selector.value === undefined) violations.push({ field: '/body/value', rule: 'required', message: 'a field needs the value to look for' });
  if (selector.field === undefined && selector.value !== undefined) violations.push({ field: '/body/field', rule: 'required', message: 'a value needs the field to look in' });
  if (violations.length > 0) throw validationError('INVALID_ERASURE', `The erasure request is invalid: ${violations.map((violation) => violation.field).join(', ')}`, violations);
  return erasures.erase(tenantId, selector);
}
