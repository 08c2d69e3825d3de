import { describe, expect, it } from 'vitest';
import { classWeights, needsRebuild, weightClasses, type SearchSettings } from './index-settings';
import { indexedDocument } from './indexed-document';

const settings: SearchSettings = {
  searchableFields: [{ field: 'title', weight: 'A' }, { field: 'authors.name', weight: 'B' }, { field: 'body', weight: 'D' }],
  filterableFields: [],
  facetableFields: ['tags', 'price'],
  sortableFields: [],
  language: 'english',
  synonyms: {},
  stopWords: [],
};

describe('index settings', () => {
  it('ranks numeric weights into the four classes, relative to the largest', () => {
    const numeric = { ...settings, searchableFields: [{ field: 'a', weight: 2 }, { field: 'b', weight: 10 }, { field: 'c', weight: 2 }, { field: 'd', weight: 1 }] };
    expect(Object.fromEntries(weightClasses(numeric))).toEqual({ a: 'B', b: 'A', c: 'B', d: 'C' });
    expect(classWeights(numeric)).toEqual({ A: 1, B: 0.2, C: 0.1, D: 0.1 });
    expect(classWeights(settings)).toEqual({ A: 1, B: 0.4, C: 0.2, D: 0.1 });
  });

  it('rebuilds for what shapes the stored documents, not for query-time settings', () => {
    expect(needsRebuild(null, settings)).toBe(true);
    expect(needsRebuild(settings, null)).toBe(false);
    expect(needsRebuild(settings, { ...settings, language: 'simple' })).toBe(true);
    expect(needsRebuild(settings, { ...settings, facetableFields: ['tags'] })).toBe(true);
    expect(needsRebuild(settings, { ...settings, searchableFields: [{ field: 'title', weight: 'B' }] })).toBe(true);
    expect(needsRebuild(settings, { ...settings, filterableFields: ['price'], sortableFields: ['price'], synonyms: { a: ['b'] }, stopWords: ['x'] })).toBe(false);
  });

  it('derives text by weight class, facet values and lexicon words from a record, stepping into arrays', () => {
    const document = indexedDocument(settings, {
      title: 'Dune',
      authors: [{ name: 'Frank Herbert' }, { name: 'Brian Herbert' }],
      body: 'Arrakis 1965',
      tags: ['sf', 'classic', 'sf', { nested: true }],
      price: 9.5,
    });
    expect(document.texts).toEqual({ A: 'Dune', B: 'Frank Herbert Brian Herbert', C: '', D: 'Arrakis 1965' });
    expect(document.facets).toEqual({ tags: ['sf', 'classic'], price: [9.5] });
    expect(document.words).toEqual(['arrakis', 'brian', 'dune', 'frank', 'herbert']);
  });
});
