import type { FieldPath, FilterExpression } from './filter-expression';

/**
 * Every distinct field a filter reads, in order of first appearance. Use it to check a filter
 * against an allow-list (for instance, the filterable fields of a search index) before running it.
 */
export function filterFields(expression: FilterExpression): FieldPath[] {
  const seen = new Map<string, FieldPath>();
  const visit = (node: FilterExpression): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.operands.forEach(visit);
        return;
      case 'not':
        visit(node.operand);
        return;
      default: {
        const key = JSON.stringify(node.field);
        if (!seen.has(key)) seen.set(key, [...node.field]);
      }
    }
  };
  visit(expression);
  return [...seen.values()];
}
