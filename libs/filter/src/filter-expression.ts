/**
 * The abstract syntax of a Hexbase filter. Plain JSON data: it can be stored with a rule or
 * sent in a message and still mean the same thing. `formatFilter` turns it back into text.
 */

/** A path into a JSON document, one string per segment: `address.city` is `['address', 'city']`. */
export type FieldPath = string[];

/** The literals a filter can hold. Numbers are always finite. */
export type FilterValue = string | number | boolean | null;

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** `and`/`or` hold at least two operands; a parenthesised group of the same kind stays nested. */
export interface LogicalExpression {
  kind: 'and' | 'or';
  operands: FilterExpression[];
}

export interface NotExpression {
  kind: 'not';
  operand: FilterExpression;
}

/** `field op value`. Ordering operators (`<`, `<=`, `>`, `>=`) only take a number or a string. */
export interface CompareExpression {
  kind: 'compare';
  field: FieldPath;
  op: ComparisonOperator;
  value: FilterValue;
}

/** `field in [..]`, or `field not in [..]` when `negated`. */
export interface InExpression {
  kind: 'in';
  field: FieldPath;
  values: FilterValue[];
  negated: boolean;
}

/** `field contains value`: a string holding a substring, or an array holding an element. */
export interface ContainsExpression {
  kind: 'contains';
  field: FieldPath;
  value: FilterValue;
}

/** `field startsWith "prefix"`. */
export interface StartsWithExpression {
  kind: 'startsWith';
  field: FieldPath;
  value: string;
}

/** `exists(field)`: the field is present, even if its value is `null`. */
export interface ExistsExpression {
  kind: 'exists';
  field: FieldPath;
}

export type FilterExpression =
  | LogicalExpression
  | NotExpression
  | CompareExpression
  | InExpression
  | ContainsExpression
  | StartsWithExpression
  | ExistsExpression;

/** The leaves of the tree: every expression that names a field. */
export type PredicateExpression = Exclude<FilterExpression, LogicalExpression | NotExpression>;

/** Types a caller can declare for a field stored in its own column (see `compileFilterToSql`). */
export type ColumnType = 'text' | 'numeric' | 'integer' | 'timestamptz' | 'uuid';

export const DEFAULT_FILTER_LIMITS = {
  /** UTF-8 bytes of filter text. */
  maxLength: 4096,
  /** How deeply parentheses and `not` may nest. */
  maxDepth: 32,
  /** Values in one `in [..]` list. */
  maxListSize: 1000,
} as const;

export const ORDERING_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['<', '<=', '>', '>=']);
