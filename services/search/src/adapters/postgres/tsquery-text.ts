import type { SearchQuery, SearchTerm } from '../../domain/search-query';

/**
 * The text of a PostgreSQL tsquery for a parsed query, handed to `to_tsquery(language, $n)` as a
 * bind parameter (never written into SQL). Every word is single-quoted, so nothing in it is read
 * as tsquery syntax; to_tsquery then stems each one in the collection's language. Empty for a
 * query without clauses.
 */
export function tsqueryText(query: SearchQuery): string {
  return query.clauses
    .map((clause) => {
      if (clause.kind === 'exclude') return `!${grouped(termText(clause.term), clause.term.kind === 'phrase')}`;
      const alternatives = clause.alternatives.map(termText);
      return alternatives.length === 1 ? alternatives[0]! : `( ${alternatives.join(' | ')} )`;
    })
    .join(' & ');
}

function termText(term: SearchTerm): string {
  if (term.kind === 'word') return lexeme(term.word, term.prefix);
  return term.words.map((word, index) => lexeme(word, term.prefix && index === term.words.length - 1)).join(' <-> ');
}

function grouped(text: string, compound: boolean): string {
  return compound ? `( ${text} )` : text;
}

function lexeme(word: string, prefix: boolean): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'${prefix ? ':*' : ''}`;
}
