import { classWeights, WEIGHT_CLASSES, type SearchSettings, type WeightClass } from '../../domain/index-settings';
import type { IndexedDocument } from '../../domain/indexed-document';
import { MARK_END, MARK_START } from '../../domain/highlight';
import type { SearchQuery, SearchTerm } from '../../domain/search-query';
import { textWords } from '../../domain/indexed-document';

/** The words of a document by weight class, in order: what the in-memory twin matches against. */
export type DocumentWords = Record<WeightClass, string[]>;

export function documentWords(document: IndexedDocument): DocumentWords {
  return { A: textWords(document.texts.A), B: textWords(document.texts.B), C: textWords(document.texts.C), D: textWords(document.texts.D) };
}

/**
 * How well a document matches a query, or undefined when it does not. Words are compared as
 * they are, lower-cased (no stemming: the twin behaves like the `simple` language); a match
 * counts its class's weight once per occurrence.
 */
export function scoreOf(query: SearchQuery, words: DocumentWords, settings: SearchSettings): number | undefined {
  const weights = classWeights(settings);
  let score = 0;
  for (const clause of query.clauses) {
    if (clause.kind === 'exclude') {
      if (occurrences(clause.term, words, weights) > 0) return undefined;
      continue;
    }
    const best = Math.max(...clause.alternatives.map((term) => occurrences(term, words, weights)));
    if (best <= 0) return undefined;
    score += best;
  }
  return score;
}

function occurrences(term: SearchTerm, words: DocumentWords, weights: Record<WeightClass, number>): number {
  let total = 0;
  for (const weight of WEIGHT_CLASSES) {
    const sequence = words[weight];
    const parts = term.kind === 'word' ? [term.word] : term.words;
    for (let start = 0; start + parts.length <= sequence.length; start += 1) {
      const matches = parts.every((part, offset) => wordMatches(sequence[start + offset]!, part, term.prefix && offset === parts.length - 1));
      if (matches) total += weights[weight];
    }
  }
  return total;
}

function wordMatches(word: string, wanted: string, prefix: boolean): boolean {
  return prefix ? word.startsWith(wanted) : word === wanted;
}

/** Marks, in a text, every word a positive term of the query matches (as ts_headline with HighlightAll does). */
export function markMatches(text: string, query: SearchQuery): string {
  const wanted = query.clauses.flatMap((clause) => (clause.kind === 'match' ? clause.alternatives : [])).flatMap((term) => {
    const parts = term.kind === 'word' ? [term.word] : term.words;
    return parts.map((part, index) => ({ word: part, prefix: term.prefix && index === parts.length - 1 }));
  });
  return text.replace(/[\p{L}\p{M}\p{N}]+/gu, (word) => {
    const lower = word.normalize('NFKC').toLowerCase();
    return wanted.some((candidate) => wordMatches(lower, candidate.word, candidate.prefix)) ? `${MARK_START}${word}${MARK_END}` : word;
  });
}

/** Up to `count` words around the first marked word of a marked text (the start when none is marked). */
export function snippetOf(marked: string, count: number): string {
  const words = marked.split(/\s+/u).filter(Boolean);
  const first = Math.max(0, words.findIndex((word) => word.includes(MARK_START)));
  const start = Math.max(0, Math.min(first - Math.floor(count / 3), words.length - count));
  return words.slice(start, start + count).join(' ');
}
