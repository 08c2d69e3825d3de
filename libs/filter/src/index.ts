export type {
  ColumnType,
  CompareExpression,
  ComparisonOperator,
  ContainsExpression,
  ExistsExpression,
  FieldPath,
  FilterExpression,
  FilterValue,
  InExpression,
  LogicalExpression,
  NotExpression,
  PredicateExpression,
  StartsWithExpression,
} from './filter-expression';
export { DEFAULT_FILTER_LIMITS } from './filter-expression';
export { INVALID_FILTER, type FilterRule } from './invalid-filter';
export { parseFilter, type ParseFilterOptions } from './parse-filter';
export { formatFilter, formatFieldPath } from './format-filter';
export { filterFields } from './filter-fields';
export { evaluateFilter, type EvaluateFilterOptions, type SystemFieldReader } from './evaluate-filter';
export { compileFilterToSql, type CompileFilterOptions, type CompiledFilter, type SqlColumn } from './compile-filter-to-sql';
export { jsonFieldSqlExpression, SQL_SAFE_JSON_KEY, type JsonFieldType } from './json-field-sql';
