import { validationError, type FieldViolation } from '@hexbase/contracts';
import { parseFilter } from '@hexbase/filter';
import type { EventSelector, EventSelectorSpec } from '../domain/event-selector';

export const EVENT_TYPE = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
export const COLLECTION = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_TYPES = 50;
const MAX_PREFIX_LENGTH = 300;

/**
 * Checks a selector as a client gave it and parses its filter expression. `part` is where it came
 * from (`/query` or `/body`): every violation names its field there, e.g. `/body/filter`.
 */
export function parseEventSelector(spec: EventSelectorSpec, part: '/query' | '/body'): EventSelector {
  const violations: FieldViolation[] = [];
  const selector: EventSelector = { spec: normalizeSelectorSpec(spec) };
  if (spec.types !== undefined) {
    if (spec.types.length > MAX_TYPES) violations.push({ field: `${part}/types`, rule: 'maxItems', message: `at most ${MAX_TYPES} event types` });
    spec.types.forEach((type, index) => {
      if (!EVENT_TYPE.test(type)) violations.push({ field: `${part}/types/${index}`, rule: 'pattern', message: 'an event type is lower-case words and digits separated by dots, e.g. record.created' });
    });
    if (spec.types.length > 0) selector.types = [...spec.types];
  }
  if (spec.streamPrefix !== undefined) {
    if (spec.streamPrefix.length === 0 || spec.streamPrefix.length > MAX_PREFIX_LENGTH) {
      violations.push({ field: `${part}/streamPrefix`, rule: 'length', message: `a stream prefix has 1 to ${MAX_PREFIX_LENGTH} characters` });
    } else selector.streamPrefix = spec.streamPrefix;
  }
  if (spec.collection !== undefined) {
    if (!COLLECTION.test(spec.collection)) violations.push({ field: `${part}/collection`, rule: 'pattern', message: 'a collection name is a lower-case letter followed by up to 62 lower-case letters, digits or _' });
    else selector.collection = spec.collection;
  }
  if (violations.length > 0) throw validationError('INVALID_EVENT_SELECTOR', `The event selection is invalid: ${violations.map((violation) => violation.field).join(', ')}`, violations);
  if (spec.filter !== undefined && spec.filter.trim() !== '') selector.filter = parseFilter(spec.filter, { parameter: `${part}/filter` });
  return selector;
}

/** The spec with only the conditions it sets, in a fixed key order: two equal specs serialize equally. */
export function normalizeSelectorSpec(spec: EventSelectorSpec): EventSelectorSpec {
  const normalized: EventSelectorSpec = {};
  if (spec.types !== undefined && spec.types.length > 0) normalized.types = [...spec.types];
  if (spec.streamPrefix !== undefined) normalized.streamPrefix = spec.streamPrefix;
  if (spec.collection !== undefined) normalized.collection = spec.collection;
  if (spec.filter !== undefined && spec.filter.trim() !== '') normalized.filter = spec.filter;
  return normalized;
}
