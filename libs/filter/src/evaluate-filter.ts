import { columnLiteral, columnValue, type ColumnComparable } from './column-values';
import type { ColumnType, ComparisonOperator, FilterExpression, FilterValue, PredicateExpression } from './filter-expression';
import { compareCodePoints, jsonEquals, MISSING, valueAtPath } from './json-document';

/**
 * How to read a system field (a one-segment path such as `createdAt`) from a document.
 * A bare function returns a JSON value, compared like any field of the document. The typed
 * form compares like the column `compileFilterToSql` is given with the same type: declare it
 * for every field mapped to a column, so memory and SQL agree.
 */
export type SystemFieldReader = ((document: unknown) => unknown) | { type: ColumnType; read: (document: unknown) => unknown };

export interface EvaluateFilterOptions {
  systemFields?: Record<string, SystemFieldReader>;
}

/**
 * Whether `document` (a JSON value) matches the filter, with the same result as the SQL from
 * `compileFilterToSql` for a row holding that document. Never throws for any document:
 * a missing field or a value of another type simply does not match.
 */
export function evaluateFilter(expression: FilterExpression, document: unknown, options: EvaluateFilterOptions = {}): boolean {
  switch (expression.kind) {
    case 'and':
      return expression.operands.every((operand) => evaluateFilter(operand, document, options));
    case 'or':
      return expression.operands.some((operand) => evaluateFilter(operand, document, options));
    case 'not':
      return !evaluateFilter(expression.operand, document, options);
    default: {
      const name = expression.field.length === 1 ? expression.field[0]! : undefined;
      const reader = name !== undefined && options.systemFields && Object.hasOwn(options.systemFields, name) ? options.systemFields[name]! : undefined;
      if (reader === undefined) return matchesJson(expression, valueAtPath(document, expression.field));
      if (typeof reader === 'function') {
        const value = reader(document);
        return matchesJson(expression, value === undefined ? MISSING : value);
      }
      return matchesColumn(expression, reader.type, reader.read(document));
    }
  }
}

/** One predicate against the value found in a JSON document (or MISSING). */
function matchesJson(predicate: PredicateExpression, value: unknown): boolean {
  switch (predicate.kind) {
    case 'exists':
      return value !== MISSING;
    case 'compare':
      return predicate.op === '=' || predicate.op === '!=' ? jsonEquals(value, predicate.value) === (predicate.op === '=') : jsonOrdered(value, predicate.op, predicate.value);
    case 'in':
      return predicate.values.some((literal) => jsonEquals(value, literal)) !== predicate.negated;
    case 'contains':
      if (Array.isArray(value)) return value.some((element) => jsonEquals(element, predicate.value));
      return typeof value === 'string' && typeof predicate.value === 'string' && value.includes(predicate.value);
    case 'startsWith':
      return typeof value === 'string' && typeof predicate.value === 'string' && value.startsWith(predicate.value);
  }
}

function jsonOrdered(value: unknown, op: ComparisonOperator, literal: FilterValue): boolean {
  if (typeof value === 'number' && typeof literal === 'number') return satisfies(op, value - literal);
  if (typeof value === 'string' && typeof literal === 'string') return satisfies(op, compareCodePoints(value, literal));
  return false;
}

/** One predicate against a typed column value; `null` and `undefined` are SQL NULL. */
function matchesColumn(predicate: PredicateExpression, type: ColumnType, raw: unknown): boolean {
  const value = raw === null || raw === undefined ? null : columnValue(type, raw);
  switch (predicate.kind) {
    case 'exists':
      return value !== null;
    case 'compare': {
      if (predicate.op === '!=') return !matchesColumn({ ...predicate, op: '=' }, type, raw);
      if (predicate.value === null) return predicate.op === '=' && value === null;
      const literal = columnLiteral(type, predicate.value);
      return value !== null && literal !== undefined && satisfies(predicate.op, compareColumn(value, literal.comparable));
    }
    case 'in': {
      const found = predicate.values.some((candidate) => {
        if (candidate === null) return value === null;
        const literal = columnLiteral(type, candidate);
        return value !== null && literal !== undefined && compareColumn(value, literal.comparable) === 0;
      });
      return found !== predicate.negated;
    }
    case 'contains':
    case 'startsWith': {
      if (type !== 'text' || typeof value !== 'string' || typeof predicate.value !== 'string') return false;
      return predicate.kind === 'contains' ? value.includes(predicate.value) : value.startsWith(predicate.value);
    }
  }
}

function compareColumn(left: ColumnComparable, right: ColumnComparable): number {
  if (typeof left === 'string' && typeof right === 'string') return compareCodePoints(left, right);
  if (typeof left === 'bigint' && typeof right === 'bigint') return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return Number.NaN;
}

function satisfies(op: ComparisonOperator, order: number): boolean {
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}
