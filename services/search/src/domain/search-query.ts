import { HexbaseError } from '@hexbase/contracts';

/** One thing to find: a word (the last one typed may be a prefix) or words that must follow each other. */
export type SearchTerm = { kind: 'word'; word: string; prefix: boolean } | { kind: 'phrase'; words: string[]; prefix: boolean };

/** A clause every hit satisfies: one of the alternatives matches, or the excluded term does not. */
export type SearchClause = { kind: 'match'; alternatives: SearchTerm[] } | { kind: 'exclude'; term: SearchTerm };

/** A parsed query: every clause must hold. No clauses: every document matches. */
export interface SearchQuery {
  clauses: SearchClause[];
}

export const MAX_QUERY_LENGTH = 512;
export const MAX_QUERY_TERMS = 32;

/** Letters and digits of any script: what a word is made of. Everything else separates words. */
const WORD_PART = /[\p{L}\p{M}\p{N}]+/gu;

interface Token {
  text: string;
  quoted: boolean;
  negated: boolean;
  column: number;
}

/**
 * Parses what a user typed into a search box:
 * - words must all match (`red shoes`); `"quoted words"` must match as a phrase;
 * - `OR` (upper case) between two terms matches either; `-word` or `-"a phrase"` excludes;
 * - the last word is a prefix unless the text ends with a space (search as you type);
 * - a bare token with inner punctuation (`wi-fi`, `e.mail`) is a phrase of its parts.
 *
 * Throws INVALID_QUERY (400) with the parameter as the violation's field: an unclosed quote,
 * an excluded term inside an OR, more than MAX_QUERY_TERMS words, or more than MAX_QUERY_LENGTH
 * characters. Words are lower-cased (NFKC); nothing else is interpreted.
 */
export function parseSearchQuery(text: string, parameter = '/query/q'): SearchQuery {
  const fail = (rule: string, message: string) => new HexbaseError('INVALID_QUERY', 'validation', `Invalid search query in '${parameter}': ${message}`, [{ field: parameter, rule, message }]);
  if ([...text].length > MAX_QUERY_LENGTH) throw fail('max_length', `the query is longer than ${MAX_QUERY_LENGTH} characters`);
  const normalized = text.normalize('NFKC');
  const tokens = tokenize(normalized, fail);
  const endsInWord = normalized.length > 0 && !/\s$/u.test(normalized);

  const clauses: SearchClause[] = [];
  let pendingOr = false;
  let wordCount = 0;
  tokens.forEach((token, index) => {
    if (!token.quoted && !token.negated && token.text === 'OR') {
      if (clauses.length > 0 && clauses[clauses.length - 1]!.kind === 'match') pendingOr = true;
      return;
    }
    const isLast = index === tokens.length - 1;
    const term = termOf(token, isLast && endsInWord && !token.quoted && !token.negated);
    if (!term) return;
    wordCount += term.kind === 'word' ? 1 : term.words.length;
    if (wordCount > MAX_QUERY_TERMS) throw fail('max_terms', `the query has more than ${MAX_QUERY_TERMS} words`);
    const previous = clauses[clauses.length - 1];
    if (token.negated) {
      if (pendingOr) throw fail('syntax', `at column ${token.column}: an excluded term cannot be one side of an OR`);
      clauses.push({ kind: 'exclude', term });
    } else if (pendingOr && previous?.kind === 'match') {
      previous.alternatives.push(term);
    } else {
      clauses.push({ kind: 'match', alternatives: [term] });
    }
    pendingOr = false;
  });
  return { clauses };
}

function tokenize(text: string, fail: (rule: string, message: string) => HexbaseError): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < text.length) {
    const char = text[position]!;
    if (/\s/u.test(char)) {
      position += 1;
      continue;
    }
    const negated = char === '-' && position + 1 < text.length && !/\s/u.test(text[position + 1]!);
    const start = negated ? position + 1 : position;
    if (text[start] === '"') {
      const close = text.indexOf('"', start + 1);
      if (close === -1) throw fail('syntax', `at column ${start + 1}: the quote opened here is never closed`);
      tokens.push({ text: text.slice(start + 1, close), quoted: true, negated, column: position + 1 });
      position = close + 1;
      continue;
    }
    // A bare token ends at a space or at a quote, which starts a phrase of its own (`say"hi"`).
    let end = start;
    while (end < text.length && !/\s/u.test(text[end]!) && text[end] !== '"') end += 1;
    tokens.push({ text: text.slice(start, end), quoted: false, negated, column: position + 1 });
    position = end;
  }
  return tokens;
}

function termOf(token: Token, prefix: boolean): SearchTerm | undefined {
  const parts = (token.text.match(WORD_PART) ?? []).map((part) => part.toLowerCase());
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && !token.quoted) return { kind: 'word', word: parts[0]!, prefix };
  return { kind: 'phrase', words: parts, prefix };
}

/** Every word of a term, in order. */
export function termWords(term: SearchTerm): string[] {
  return term.kind === 'word' ? [term.word] : term.words;
}

/** The query without the collection's stop words: single words only, and never the prefix being typed. */
export function withoutStopWords(query: SearchQuery, stopWords: readonly string[]): SearchQuery {
  if (stopWords.length === 0) return query;
  const stop = new Set(stopWords);
  const keep = (term: SearchTerm) => term.kind !== 'word' || term.prefix || !stop.has(term.word);
  const clauses: SearchClause[] = [];
  for (const clause of query.clauses) {
    if (clause.kind === 'exclude') {
      if (keep(clause.term)) clauses.push(clause);
      continue;
    }
    const alternatives = clause.alternatives.filter(keep);
    if (alternatives.length > 0) clauses.push({ kind: 'match', alternatives });
  }
  return { clauses };
}
