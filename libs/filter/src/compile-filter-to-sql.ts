import { columnLiteral, describeColumnType } from './column-values';
import type { ColumnType, FieldPath, FilterExpression, FilterValue, PredicateExpression } from './filter-expression';
import { formatFieldPath } from './format-filter';
import { invalidFilter } from './invalid-filter';
import { mayBeArrayPosition } from './json-document';
import { jsonFieldSqlExpression, parameterizedJsonFieldSql, SQL_SAFE_JSON_KEY, type JsonFieldType } from './json-field-sql';

/** A field stored in its own column. `sql` is written by the caller and used as is. */
export interface SqlColumn {
  sql: string;
  type: ColumnType;
}

export interface CompileFilterOptions {
  /** SQL expression of the jsonb column holding the document, such as `r.data`. Used as is. */
  jsonColumn: string;
  /** One-segment fields that live in columns (`id`, `version`, `createdAt`...), by field name. */
  columns?: Record<string, SqlColumn>;
  /** Refuse filters on other fields (rule `unknown_field`); default: every field is allowed. */
  allowedFields?: (path: FieldPath) => boolean;
  /** Number of the first `$n` placeholder, so the condition can join a larger query. */
  firstParameterIndex: number;
  /** The request parameter named in errors. Default `'filter'`. */
  parameter?: string;
}

export interface CompiledFilter {
  /** A boolean SQL condition; every literal and every unusual key is a placeholder. */
  sql: string;
  /** Values for the placeholders `$firstParameterIndex`, `$firstParameterIndex + 1`, ... */
  params: unknown[];
}

/**
 * Compiles a filter to a parameterized PostgreSQL condition that selects exactly the rows
 * `evaluateFilter` accepts. Plain keys (`SQL_SAFE_JSON_KEY`) are written as quoted literals so
 * expression indexes made with `jsonFieldSqlExpression` apply; every other key and every
 * value travels as a parameter. Equality, `in` and array `contains` use `@>`, which a GIN
 * index (`jsonb_path_ops` or the default) serves.
 *
 * Throws INVALID_FILTER with rule `unknown_field` for a field `allowedFields` refuses, and
 * `type` for a literal that cannot be a value of a mapped column's type.
 */
export function compileFilterToSql(expression: FilterExpression, options: CompileFilterOptions): CompiledFilter {
  if (!Number.isSafeInteger(options.firstParameterIndex) || options.firstParameterIndex < 1) {
    throw new TypeError(`firstParameterIndex must be a positive integer, got ${options.firstParameterIndex}`);
  }
  const params: unknown[] = [];
  const placeholder = (value: unknown): string => {
    params.push(value);
    return `$${options.firstParameterIndex + params.length - 1}`;
  };
  const sql = compileNode(expression, false, { ...options, placeholder });
  return { sql, params };
}

interface Compilation extends CompileFilterOptions {
  placeholder(value: unknown): string;
}

/**
 * `negated` pushes `not` down to the predicates. Each predicate's SQL may yield NULL where it
 * does not match, which AND, OR and WHERE treat as false; only a negated predicate must turn
 * NULL into true, with IS NOT TRUE. That keeps SQL two-valued, like evaluateFilter.
 */
function compileNode(node: FilterExpression, negated: boolean, compilation: Compilation): string {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const conjunction = (node.kind === 'and') !== negated;
      if (node.operands.length === 0) return conjunction ? 'TRUE' : 'FALSE';
      const parts = node.operands.map((operand) => compileNode(operand, negated, compilation));
      return parts.length === 1 ? parts[0]! : `(${parts.join(conjunction ? ' AND ' : ' OR ')})`;
    }
    case 'not':
      return compileNode(node.operand, !negated, compilation);
    case 'compare':
      if (node.op === '!=') return compileNode({ ...node, op: '=' }, !negated, compilation);
      return compilePredicate(node, negated, compilation);
    case 'in':
      if (node.negated) return compileNode({ ...node, negated: false }, !negated, compilation);
      return compilePredicate(node, negated, compilation);
    default:
      return compilePredicate(node, negated, compilation);
  }
}

function compilePredicate(predicate: PredicateExpression, negated: boolean, compilation: Compilation): string {
  const parameter = compilation.parameter ?? 'filter';
  if (compilation.allowedFields && !compilation.allowedFields(predicate.field)) {
    throw invalidFilter(parameter, 'unknown_field', `The field ${formatFieldPath(predicate.field)} cannot be used in this filter`);
  }
  const name = predicate.field.length === 1 ? predicate.field[0]! : undefined;
  const column = name !== undefined && compilation.columns && Object.hasOwn(compilation.columns, name) ? compilation.columns[name]! : undefined;
  const sql = column ? columnPredicateSql(predicate, column, compilation) : jsonPredicateSql(predicate, compilation);
  return negated ? `(${sql}) IS NOT TRUE` : sql;
}

function jsonPredicateSql(predicate: PredicateExpression, compilation: Compilation): string {
  const { jsonColumn, placeholder } = compilation;
  const path = predicate.field;
  const literalKeys = path.every((segment) => SQL_SAFE_JSON_KEY.test(segment));
  let pathPlaceholder: string | undefined;
  const field = (type: JsonFieldType): string =>
    literalKeys ? jsonFieldSqlExpression(jsonColumn, path, type) : parameterizedJsonFieldSql(jsonColumn, (pathPlaceholder ??= placeholder(path)), type);
  // `@>` matches object keys only, so it stands for a path lookup unless a segment could be an array position.
  const containment = !path.some(mayBeArrayPosition);
  switch (predicate.kind) {
    case 'exists':
      return `${field('jsonb')} IS NOT NULL`;
    case 'compare': {
      const value = predicate.value;
      if (predicate.op === '=') {
        return containment ? `(${jsonColumn}) @> ${placeholder(nestedJson(path, value))}::jsonb` : `${field('jsonb')} = ${placeholder(JSON.stringify(value))}::jsonb`;
      }
      if (typeof value === 'number') return `${field('numeric')} ${predicate.op} ${placeholder(value)}::numeric`;
      if (typeof value === 'string') return `${field('text')} ${predicate.op} ${placeholder(value)}::text`;
      return 'FALSE';
    }
    case 'in': {
      if (predicate.values.length === 0) return 'FALSE';
      return containment
        ? `(${jsonColumn}) @> ANY(${placeholder(predicate.values.map((value) => nestedJson(path, value)))}::jsonb[])`
        : `${field('jsonb')} = ANY(${placeholder(predicate.values.map((value) => JSON.stringify(value)))}::jsonb[])`;
    }
    case 'contains': {
      const element = containment
        ? `(${jsonColumn}) @> ${placeholder(nestedJson(path, [predicate.value]))}::jsonb`
        : `(jsonb_typeof(${field('jsonb')}) = 'array' AND ${field('jsonb')} @> ${placeholder(JSON.stringify([predicate.value]))}::jsonb)`;
      if (typeof predicate.value !== 'string') return element;
      return `(${element} OR ${field('text')} LIKE ${placeholder(substringPattern(predicate.value))}::text)`;
    }
    case 'startsWith':
      return `starts_with(${field('text')}, ${placeholder(predicate.value)}::text)`;
  }
}

function columnPredicateSql(predicate: PredicateExpression, column: SqlColumn, compilation: Compilation): string {
  const { placeholder } = compilation;
  const literal = (value: Exclude<FilterValue, null>): { param: string | number; cast: string } => {
    const converted = columnLiteral(column.type, value);
    if (converted) return converted;
    throw invalidFilter(
      compilation.parameter ?? 'filter',
      'type',
      `The field ${formatFieldPath(predicate.field)} needs ${describeColumnType(column.type)}, found ${JSON.stringify(value)}`,
    );
  };
  switch (predicate.kind) {
    case 'exists':
      return `(${column.sql}) IS NOT NULL`;
    case 'compare': {
      if (predicate.value === null) return predicate.op === '=' ? `(${column.sql}) IS NULL` : 'FALSE';
      const { param, cast } = literal(predicate.value);
      const left = column.type === 'text' && predicate.op !== '=' ? `(${column.sql}) COLLATE "C"` : `(${column.sql})`;
      return `${left} ${predicate.op} ${placeholder(param)}::${cast}`;
    }
    case 'in': {
      const present = predicate.values.filter((value): value is Exclude<FilterValue, null> => value !== null).map(literal);
      const parts: string[] = [];
      if (present.length > 0) {
        const cast = present.some((value) => value.cast === 'numeric') ? 'numeric' : present[0]!.cast;
        parts.push(`(${column.sql}) = ANY(${placeholder(present.map((value) => value.param))}::${cast}[])`);
      }
      if (present.length < predicate.values.length) parts.push(`(${column.sql}) IS NULL`);
      return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
    }
    case 'contains':
    case 'startsWith': {
      if (column.type !== 'text') {
        throw invalidFilter(compilation.parameter ?? 'filter', 'type', `${predicate.kind} needs a text field; ${formatFieldPath(predicate.field)} is ${column.type}`);
      }
      if (typeof predicate.value !== 'string') {
        throw invalidFilter(compilation.parameter ?? 'filter', 'type', `${predicate.kind} on ${formatFieldPath(predicate.field)} needs a string, found ${JSON.stringify(predicate.value)}`);
      }
      return predicate.kind === 'contains'
        ? `(${column.sql}) LIKE ${placeholder(substringPattern(predicate.value))}::text`
        : `starts_with((${column.sql}), ${placeholder(predicate.value)}::text)`;
    }
  }
}

/** `{"a":{"b":value}}` for the path `a.b`: the document `@>` needs to find `value` there. */
function nestedJson(path: FieldPath, value: unknown): string {
  return JSON.stringify(path.reduceRight<unknown>((inner, segment) => ({ [segment]: inner }), value));
}

/**
 * A LIKE pattern for "holds this substring", with LIKE's wildcards and escape character escaped.
 * LIKE rather than strpos() so that a trigram index (pg_trgm) on the field can serve it.
 */
function substringPattern(substring: string): string {
  return `%${substring.replace(/[\\%_]/g, '\\$&')}%`;
}
