import { describe, expect, it } from 'vitest';
import { collectionDefinitionViolations, type CollectionDefinition } from './collection';
import { searchSettingsFrom, type SearchSettingsInput } from './search-settings';

const withSearch = (search: SearchSettingsInput): CollectionDefinition => ({
  name: 'products',
  description: '',
  schema: { type: 'object' },
  uniqueFields: [],
  indexedFields: [],
  search: searchSettingsFrom(search),
});

describe('collection search settings', () => {
  it('fills defaults: weight D, no filterable, facetable or sortable fields, the simple language', () => {
    expect(searchSettingsFrom({ searchableFields: [{ field: 'title' }] })).toEqual({
      searchableFields: [{ field: 'title', weight: 'D' }],
      filterableFields: [],
      facetableFields: [],
      sortableFields: [],
      language: 'simple',
      synonyms: {},
      stopWords: [],
    });
  });

  it('accepts a complete definition', () => {
    const definition = withSearch({
      searchableFields: [{ field: 'title', weight: 'A' }, { field: 'body', weight: 'C' }, { field: 'author.name', weight: 'B' }],
      filterableFields: ['brand', 'price'],
      facetableFields: ['brand', 'tags'],
      sortableFields: ['price'],
      language: 'english',
      synonyms: { tv: ['television', 'flat screen'] },
      stopWords: ['the'],
    });
    expect(collectionDefinitionViolations(definition)).toEqual([]);
  });

  it('names each broken rule with a pointer under /search', () => {
    const violations = collectionDefinitionViolations(
      withSearch({
        searchableFields: [{ field: 'title', weight: 'E' as 'A' }, { field: 'title', weight: 'A' }, { field: 'bad-path' }],
        filterableFields: ['a;drop'],
        language: 'klingon',
        synonyms: { TV: ['tele  vision'] },
        stopWords: ['Not one'],
      }),
    );
    expect(violations.map((violation) => [violation.field, violation.rule])).toEqual([
      ['/search/searchableFields/0/weight', 'weight'],
      ['/search/searchableFields/2/field', 'pattern'],
      ['/search/searchableFields', 'uniqueItems'],
      ['/search/filterableFields/0', 'pattern'],
      ['/search/language', 'enum'],
      ['/search/synonyms/TV', 'word'],
      ['/search/synonyms/TV/0', 'word'],
      ['/search/stopWords/0', 'word'],
    ]);
  });

  it('takes numeric weights, but not mixed with classes and at most four different ones', () => {
    expect(collectionDefinitionViolations(withSearch({ searchableFields: [{ field: 'a', weight: 10 }, { field: 'b', weight: 2.5 }] }))).toEqual([]);
    expect(collectionDefinitionViolations(withSearch({ searchableFields: [{ field: 'a', weight: 10 }, { field: 'b', weight: 'A' }] }))).toMatchObject([
      { field: '/search/searchableFields', rule: 'weight' },
    ]);
    const five = [1, 2, 3, 4, 5].map((weight) => ({ field: `f${weight}`, weight }));
    expect(collectionDefinitionViolations(withSearch({ searchableFields: five }))).toMatchObject([{ field: '/search/searchableFields', rule: 'weight' }]);
    expect(collectionDefinitionViolations(withSearch({ searchableFields: [{ field: 'a', weight: 0 }] }))).toMatchObject([{ field: '/search/searchableFields/0/weight' }]);
  });

  it('needs at least one searchable field', () => {
    expect(collectionDefinitionViolations(withSearch({ searchableFields: [] }))).toMatchObject([{ field: '/search/searchableFields', rule: 'minItems' }]);
  });
});
