import { describe, expect, it } from 'vitest';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS, parseSearchQuery, withoutStopWords } from './search-query';

describe('parsing a search query', () => {
  it('reads words, phrases, OR and exclusions, lower-cased', () => {
    expect(parseSearchQuery('Red "Running Shoes" -leather cotton OR wool ')).toEqual({
      clauses: [
        { kind: 'match', alternatives: [{ kind: 'word', word: 'red', prefix: false }] },
        { kind: 'match', alternatives: [{ kind: 'phrase', words: ['running', 'shoes'], prefix: false }] },
        { kind: 'exclude', term: { kind: 'word', word: 'leather', prefix: false } },
        { kind: 'match', alternatives: [{ kind: 'word', word: 'cotton', prefix: false }, { kind: 'word', word: 'wool', prefix: false }] },
      ],
    });
  });

  it('takes the last word as a prefix unless a space follows it', () => {
    expect(parseSearchQuery('wireless keyb').clauses[1]).toEqual({ kind: 'match', alternatives: [{ kind: 'word', word: 'keyb', prefix: true }] });
    expect(parseSearchQuery('wireless keyb ').clauses[1]).toEqual({ kind: 'match', alternatives: [{ kind: 'word', word: 'keyb', prefix: false }] });
    expect(parseSearchQuery('"exact phrase"').clauses[0]).toEqual({ kind: 'match', alternatives: [{ kind: 'phrase', words: ['exact', 'phrase'], prefix: false }] });
  });

  it('turns punctuation inside a word into a phrase of its parts and drops tokens without letters', () => {
    expect(parseSearchQuery('wi-fi !!! ').clauses).toEqual([{ kind: 'match', alternatives: [{ kind: 'phrase', words: ['wi', 'fi'], prefix: false }] }]);
    expect(parseSearchQuery("'; DROP TABLE documents; -- ").clauses.map((clause) => clause.kind)).toEqual(['match', 'match', 'match']);
    expect(parseSearchQuery('').clauses).toEqual([]);
    expect(parseSearchQuery('café Ｍüller ').clauses).toEqual([
      { kind: 'match', alternatives: [{ kind: 'word', word: 'café', prefix: false }] },
      { kind: 'match', alternatives: [{ kind: 'word', word: 'müller', prefix: false }] },
    ]);
  });

  it('ignores an OR with nothing on one side, so typing one does not fail', () => {
    expect(parseSearchQuery('OR apples OR').clauses).toEqual([{ kind: 'match', alternatives: [{ kind: 'word', word: 'apples', prefix: false }] }]);
  });

  it('refuses an unclosed quote, an exclusion inside OR, too many words and too long a text, naming the parameter', () => {
    expect(() => parseSearchQuery('"never closed')).toThrow(expect.objectContaining({ code: 'INVALID_QUERY', violations: [expect.objectContaining({ field: '/query/q', rule: 'syntax' })] }));
    expect(() => parseSearchQuery('cats OR -dogs')).toThrow(expect.objectContaining({ violations: [expect.objectContaining({ rule: 'syntax' })] }));
    expect(() => parseSearchQuery(Array.from({ length: MAX_QUERY_TERMS + 1 }, (_, n) => `w${n}`).join(' '))).toThrow(expect.objectContaining({ violations: [expect.objectContaining({ rule: 'max_terms' })] }));
    expect(() => parseSearchQuery('a'.repeat(MAX_QUERY_LENGTH + 1), '/query/query')).toThrow(expect.objectContaining({ violations: [expect.objectContaining({ field: '/query/query', rule: 'max_length' })] }));
  });

  it('drops the collection stop words, but never the word being typed', () => {
    const query = withoutStopWords(parseSearchQuery('the lamp OR the shade -the th'), ['the', 'th']);
    expect(query.clauses).toEqual([
      { kind: 'match', alternatives: [{ kind: 'word', word: 'lamp', prefix: false }] },
      { kind: 'match', alternatives: [{ kind: 'word', word: 'shade', prefix: false }] },
      { kind: 'match', alternatives: [{ kind: 'word', word: 'th', prefix: true }] },
    ]);
  });
});
