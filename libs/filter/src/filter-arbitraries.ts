import fc from 'fast-check';
import type { ComparisonOperator, FieldPath, FilterExpression, FilterValue } from './filter-expression';

/**
 * fast-check generators shared by the unit and integration tests: filters and JSON documents
 * drawn from the same small pools of keys and values, so random filters often hit.
 */

const COMMON_KEYS = ['a', 'b', 'price', 'tags', 'name'];
const ODD_KEYS = ['in', 'Not', 'a b', '0', '1', '-1', '-0', '01', ' 1', 'x"y', "it's", '`', '\\', 'é', '😀', '', "'; DROP TABLE docs; --", '") or 1=1 --'];

const STRINGS = ['', 'a', 'b', 'ab', 'abc', 'A', 'é', 'É', '😀', '\uffff', 'x"y', "it's", '\\', '%', '_', '\n', "'; DROP TABLE docs; --", '") or 1=1 --', '2024-01-01', '2024-01-01T10:00:00Z', '10'];

const NUMBERS = [-1, 0, 1, 1.5, 2, 10, 100, -0.5, 0.1, 1e21, -1e-7, 2 ** 53, 5e-324];

/** Text PostgreSQL can store: no NUL and no unpaired surrogate (full Unicode code points). */
const anyText = fc.string({ unit: 'binary', maxLength: 6 }).filter((text) => !text.includes('\u0000'));

export const keyArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMON_KEYS) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 1, arbitrary: anyText },
);

export const fieldPathArbitrary: fc.Arbitrary<FieldPath> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(keyArbitrary) },
  { weight: 3, arbitrary: fc.tuple(keyArbitrary, keyArbitrary) },
  { weight: 1, arbitrary: fc.tuple(keyArbitrary, keyArbitrary, keyArbitrary) },
);

export const stringArbitrary: fc.Arbitrary<string> = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...STRINGS) }, { weight: 1, arbitrary: anyText });

export const numberArbitrary: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value)) },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
);

export const valueArbitrary: fc.Arbitrary<FilterValue> = fc.oneof(stringArbitrary, numberArbitrary, fc.boolean(), fc.constant(null));

const orderedValueArbitrary: fc.Arbitrary<string | number> = fc.oneof(stringArbitrary, numberArbitrary);

/** Predicates on fields of the JSON document. */
export const jsonPredicateArbitrary: fc.Arbitrary<FilterExpression> = fc.oneof(
  fc.record({ kind: fc.constant('compare' as const), field: fieldPathArbitrary, op: fc.constantFrom<ComparisonOperator>('=', '!='), value: valueArbitrary }),
  fc.record({ kind: fc.constant('compare' as const), field: fieldPathArbitrary, op: fc.constantFrom<ComparisonOperator>('<', '<=', '>', '>='), value: orderedValueArbitrary }),
  fc.record({ kind: fc.constant('in' as const), field: fieldPathArbitrary, values: fc.array(valueArbitrary, { maxLength: 4 }), negated: fc.boolean() }),
  fc.record({ kind: fc.constant('contains' as const), field: fieldPathArbitrary, value: valueArbitrary }),
  fc.record({ kind: fc.constant('startsWith' as const), field: fieldPathArbitrary, value: stringArbitrary }),
  fc.record({ kind: fc.constant('exists' as const), field: fieldPathArbitrary }),
);

/** Random filters over the given predicates, in the shape parseFilter produces (every and/or has two or more operands). */
export function filterArbitraryOf(predicate: fc.Arbitrary<FilterExpression>): fc.Arbitrary<FilterExpression> {
  return fc.letrec<{ expression: FilterExpression }>((tie) => ({
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      predicate,
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), operands: fc.array(tie('expression'), { minLength: 2, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('not' as const), operand: tie('expression') }),
    ),
  })).expression;
}

export const filterArbitrary: fc.Arbitrary<FilterExpression> = filterArbitraryOf(jsonPredicateArbitrary);

/** Random JSON documents: nested objects and arrays over the same keys and values as the filters. */
export const documentArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: valueArbitrary },
    { weight: 2, arbitrary: tie('object') },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
  ),
  object: fc.dictionary(keyArbitrary, tie('value'), { minKeys: 1, maxKeys: 5 }),
})).object;
