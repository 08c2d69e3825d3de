import { describe, expect, it } from 'vitest';
import { expandQuery } from '../../domain/expand-query';
import { parseSearchQuery } from '../../domain/search-query';
import { tsqueryText } from './tsquery-text';

describe('the tsquery text of a query', () => {
  it('quotes every word and writes phrases, alternatives, exclusions and the prefix', () => {
    expect(tsqueryText(parseSearchQuery('red "running shoes" -leather cotton OR wool keyb'))).toBe(
      "'red' & 'running' <-> 'shoes' & !'leather' & ( 'cotton' | 'wool' ) & 'keyb':*",
    );
    expect(tsqueryText(parseSearchQuery('-"dog food" '))).toBe("!( 'dog' <-> 'food' )");
    expect(tsqueryText(parseSearchQuery(''))).toBe('');
  });

  it('adds synonyms and corrections as alternatives', () => {
    const expanded = expandQuery(parseSearchQuery('tv spaeker '), { synonyms: { tv: ['television', 'flat screen'] }, corrections: new Map([['spaeker', ['speaker']]]) });
    expect(tsqueryText(expanded)).toBe("( 'tv' | 'television' | 'flat' <-> 'screen' ) & ( 'spaeker' | 'speaker' )");
  });
});
