/** PostgreSQL's jsonb sort order: null < string < number < boolean < array < object; within a type, natural order. */
const RANK = { null: 0, string: 1, number: 2, boolean: 3, array: 4, object: 5 } as const;

function rankOf(value: unknown): number {
  if (value === null || value === undefined) return RANK.null;
  if (Array.isArray(value)) return RANK.array;
  const type = typeof value;
  return type === 'string' ? RANK.string : type === 'number' ? RANK.number : type === 'boolean' ? RANK.boolean : RANK.object;
}

export function compareJsonb(left: unknown, right: unknown): number {
  const rankDifference = rankOf(left) - rankOf(right);
  if (rankDifference !== 0) return Math.sign(rankDifference);
  if (left instanceof Date && right instanceof Date) return Math.sign(left.getTime() - right.getTime());
  if (typeof left === 'string' || typeof left === 'number' || typeof left === 'boolean') {
    return left < (right as typeof left) ? -1 : left > (right as typeof left) ? 1 : 0;
  }
  return 0;
}
