import type { SearchClause, SearchQuery, SearchTerm } from './search-query';
import { typoBudget } from './typos';

/** What a query is widened with: the collection's synonyms and the typo corrections found for its words. */
export interface QueryExpansion {
  synonyms: Record<string, string[]>;
  /** Query word -> indexed words within its typo budget. */
  corrections: ReadonlyMap<string, readonly string[]>;
}

/**
 * Words worth a typo lookup: the single words a hit must match (not excluded ones, not inside a
 * phrase) that are long enough to allow a typo.
 */
export function typoCandidatesOf(query: SearchQuery): string[] {
  const words = new Set<string>();
  for (const clause of query.clauses) {
    if (clause.kind !== 'match') continue;
    for (const term of clause.alternatives) if (term.kind === 'word' && typoBudget(term.word) > 0) words.add(term.word);
  }
  return [...words];
}

/**
 * The query with each matched word widened to its synonyms and corrections: `tv` with the
 * synonym `television` becomes `tv OR television`. A synonym of several words is a phrase.
 * Excluded terms stay as written.
 */
export function expandQuery(query: SearchQuery, expansion: QueryExpansion): SearchQuery {
  const clauses: SearchClause[] = query.clauses.map((clause) => {
    if (clause.kind === 'exclude') return clause;
    const alternatives: SearchTerm[] = [];
    const seen = new Set<string>();
    const add = (term: SearchTerm) => {
      const key = JSON.stringify(term);
      if (seen.has(key)) return;
      seen.add(key);
      alternatives.push(term);
    };
    for (const term of clause.alternatives) {
      add(term);
      if (term.kind !== 'word') continue;
      for (const correction of expansion.corrections.get(term.word) ?? []) add({ kind: 'word', word: correction, prefix: false });
      if (term.prefix) continue;
      for (const synonym of expansion.synonyms[term.word] ?? []) {
        const words = synonym.split(' ');
        add(words.length === 1 ? { kind: 'word', word: words[0]!, prefix: false } : { kind: 'phrase', words, prefix: false });
      }
    }
    return { kind: 'match', alternatives };
  });
  return { clauses };
}
