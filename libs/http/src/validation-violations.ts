import type { FieldViolation } from '@hexbase/contracts';
import type { FastifySchemaValidationError } from 'fastify';

/** Keeps a problem document bounded even when ajv (with allErrors) reports thousands of errors. */
export const MAX_LISTED_VIOLATIONS = 100;

const PART_BY_CONTEXT: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** Ajv params naming the property a keyword is about, when `instancePath` points at its parent. */
const PROPERTY_PARAM_BY_KEYWORD: Record<string, string> = {
  required: 'missingProperty',
  dependentRequired: 'missingProperty',
  dependencies: 'missingProperty',
  additionalProperties: 'additionalProperty',
  unevaluatedProperties: 'unevaluatedProperty',
  propertyNames: 'propertyName',
};

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Turns Fastify's ajv errors into violations whose `field` is a JSON Pointer into the request
 * part (`/body/name`, `/query/limit`, `/params/id`, `/headers/if-match`) and whose `rule` is the
 * ajv keyword. For `required` and friends the pointer names the property itself.
 */
export function violationsFromValidation(errors: readonly FastifySchemaValidationError[], validationContext: string | undefined): FieldViolation[] {
  const part = PART_BY_CONTEXT[validationContext ?? 'body'] ?? validationContext ?? 'body';
  return errors.slice(0, MAX_LISTED_VIOLATIONS).map((error) => {
    let pointer = error.instancePath ?? '';
    const propertyParam = PROPERTY_PARAM_BY_KEYWORD[error.keyword];
    const property = propertyParam ? (error.params as Record<string, unknown>)[propertyParam] : undefined;
    if (typeof property === 'string') pointer += `/${escapePointerToken(property)}`;
    const field = `/${part}${pointer}`;
    return { field, rule: error.keyword, message: error.message ?? `violates ${error.keyword}` };
  });
}
