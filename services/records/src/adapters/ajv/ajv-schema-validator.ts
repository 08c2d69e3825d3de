import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldViolation } from '@hexbase/contracts';
import type { SchemaValidator } from '../../application/ports';
import type { Collection } from '../../domain/collection';

const MAX_CACHED_SCHEMAS = 1000;

/** JSON Schema draft 2020-12 validation with Ajv; compiled validators are cached per collection version. */
export function createAjvSchemaValidator(): SchemaValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats.default(ajv);
  const compiled = new Map<string, ValidateFunction>();

  function compile(collection: Collection): ValidateFunction {
    const key = `${collection.tenantId}\u0000${collection.name}\u0000${collection.version}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(collection.schema);
      if (compiled.size >= MAX_CACHED_SCHEMAS) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, validate);
    }
    return validate;
  }

  return {
    checkSchema(schema) {
      try {
        ajv.compile(schema);
        return [];
      } catch (error) {
        return [{ field: '', rule: 'schema', message: `not a valid JSON Schema: ${(error as Error).message}` }];
      }
    },

    validate(collection, data) {
      const validate = compile(collection);
      return validate(data) ? [] : (validate.errors ?? []).map(violationFromAjv);
    },
  };
}

function violationFromAjv(error: ErrorObject): FieldViolation {
  const params = error.params as Record<string, unknown>;
  let field = error.instancePath;
  if (error.keyword === 'required') field += `/${String(params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') field += `/${String(params.additionalProperty)}`;
  return { field, rule: error.keyword, message: error.message ?? error.keyword };
}
