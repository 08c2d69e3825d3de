import type { FieldPath, FilterExpression, FilterValue } from './filter-expression';
import { FILTER_KEYWORDS } from './tokenize-filter';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ARRAY_POSITION = /^(0|[1-9][0-9]*)$/;

/**
 * The canonical text of a filter: lowercase keywords, single spaces, parentheses only where
 * needed. `parseFilter(formatFilter(ast))` deep-equals `ast` for every AST with at least two
 * operands in each `and`/`or` (the shape `parseFilter` produces).
 */
export function formatFilter(expression: FilterExpression): string {
  switch (expression.kind) {
    case 'and':
    case 'or': {
      if (expression.operands.length === 0) throw new TypeError(`An '${expression.kind}' expression needs at least one operand`);
      const wrapKinds = expression.kind === 'and' ? ['and', 'or'] : ['or'];
      return expression.operands.map((operand) => (wrapKinds.includes(operand.kind) ? `(${formatFilter(operand)})` : formatFilter(operand))).join(` ${expression.kind} `);
    }
    case 'not': {
      const operand = formatFilter(expression.operand);
      return expression.operand.kind === 'and' || expression.operand.kind === 'or' ? `not (${operand})` : `not ${operand}`;
    }
    case 'compare':
      return `${formatFieldPath(expression.field)} ${expression.op} ${formatValue(expression.value)}`;
    case 'in':
      return `${formatFieldPath(expression.field)} ${expression.negated ? 'not in' : 'in'} [${expression.values.map(formatValue).join(', ')}]`;
    case 'contains':
      return `${formatFieldPath(expression.field)} contains ${formatValue(expression.value)}`;
    case 'startsWith':
      return `${formatFieldPath(expression.field)} startsWith ${formatValue(expression.value)}`;
    case 'exists':
      return `exists(${formatFieldPath(expression.field)})`;
  }
}

/** A field path as filter text: `address.city`, `items[0].sku`, `` `content-type` ``. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((segment, index) => {
      if (index === 0) return IDENTIFIER.test(segment) && !FILTER_KEYWORDS.has(segment.toLowerCase()) ? segment : quoteSegment(segment);
      if (ARRAY_POSITION.test(segment)) return `[${segment}]`;
      return IDENTIFIER.test(segment) ? `.${segment}` : `.${quoteSegment(segment)}`;
    })
    .join('');
}

function formatValue(value: FilterValue): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`A filter number must be finite, got ${value}`);
  return value === null ? 'null' : JSON.stringify(value);
}

const SEGMENT_ESCAPES: Record<string, string> = { '\\': '\\\\', '`': '\\`', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quoteSegment(segment: string): string {
  let escaped = '';
  for (const char of segment) {
    const code = char.charCodeAt(0);
    escaped += SEGMENT_ESCAPES[char] ?? (code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : char);
  }
  return `\`${escaped}\``;
}
