import { validationError, type HexbaseError } from '@hexbase/contracts';

export const INVALID_FILTER = 'INVALID_FILTER';

/** Which rule a rejected filter broke; the `rule` of its violation. */
export type FilterRule = 'syntax' | 'max_length' | 'max_depth' | 'max_list_size' | 'type' | 'unknown_field';

/** The one error every function of this library throws for a bad filter: 400, code INVALID_FILTER. */
export function invalidFilter(parameter: string, rule: FilterRule, message: string): HexbaseError {
  return validationError(INVALID_FILTER, `Invalid filter in '${parameter}': ${message}`, [{ field: parameter, rule, message }]);
}
