/**
 * How many typos a query word may have and still find a word: none up to 4 letters, one for 5
 * to 8, two from 9 on (Meilisearch's defaults), counted in characters, not bytes.
 */
export function typoBudget(word: string): number {
  const length = [...word].length;
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each count as one typo (`recieve` is one typo from `receive`).
 */
export function typoDistance(left: string, right: string): number {
  const a = [...left];
  const b = [...right];
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(distance[row - 1]![column]! + 1, distance[row]![column - 1]! + 1, distance[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, distance[row - 2]![column - 2]! + 1);
      distance[row]![column] = best;
    }
  }
  return distance[a.length]![b.length]!;
}

/** The candidates within the word's typo budget, closest first (then alphabetically), at most `limit`. */
export function typoCorrections(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const budget = typoBudget(word);
  if (budget === 0) return [];
  const within: Array<[string, number]> = [];
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = typoDistance(word, candidate);
    if (distance <= budget) within.push([candidate, distance]);
  }
  within.sort((left, right) => left[1] - right[1] || (left[0] < right[0] ? -1 : 1));
  return within.slice(0, limit).map(([candidate]) => candidate);
}
