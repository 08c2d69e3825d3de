import { WEIGHT_CLASSES, weightClasses, type SearchSettings, type WeightClass } from './index-settings';

export type FacetValue = string | number | boolean;

/** What the index derives from a record's data under a collection's settings. */
export interface IndexedDocument {
  /** The searchable fields' text by weight class, fields in settings order, one per line. */
  texts: Record<WeightClass, string>;
  /** Values of each facetable field (arrays flattened, each value once). */
  facets: Record<string, FacetValue[]>;
  /** Distinct lower-cased words of the searchable text: the lexicon typo tolerance searches. */
  words: string[];
}

const MAX_FACET_STRING = 256;
const MAX_WORDS_PER_DOCUMENT = 5000;
const MIN_LEXICON_WORD = 3;
const MAX_LEXICON_WORD = 64;
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Derives the searchable text, facet values and words of a record. Paths step into arrays at any
 * level (`authors.name` reads the name of every author), unlike filters; strings and numbers
 * are text, objects contribute every string inside them.
 */
export function indexedDocument(settings: SearchSettings | null, data: Record<string, unknown>): IndexedDocument {
  const texts: Record<WeightClass, string[]> = { A: [], B: [], C: [], D: [] };
  const facets: Record<string, FacetValue[]> = {};
  if (!settings) return { texts: { A: '', B: '', C: '', D: '' }, facets, words: [] };

  const classes = weightClasses(settings);
  for (const { field } of settings.searchableFields) {
    const text = valuesAt(data, field).flatMap(textsOf).join(' ');
    if (text.trim() !== '') texts[classes.get(field)!].push(text);
  }
  for (const field of settings.facetableFields) {
    const values = new Map<string, FacetValue>();
    for (const value of valuesAt(data, field)) {
      const facet = facetValueOf(value);
      if (facet !== undefined) values.set(JSON.stringify(facet), facet);
    }
    if (values.size > 0) facets[field] = [...values.values()];
  }
  const joined = { A: texts.A.join('\n'), B: texts.B.join('\n'), C: texts.C.join('\n'), D: texts.D.join('\n') };
  return { texts: joined, facets, words: lexiconWords(WEIGHT_CLASSES.map((weight) => joined[weight]).join('\n')) };
}

/** Every value at a dotted path, stepping into arrays wherever one is met. */
export function valuesAt(data: unknown, path: string): unknown[] {
  let current: unknown[] = [data];
  for (const segment of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current.flatMap(flattenArrays)) {
      if (typeof value === 'object' && value !== null && Object.hasOwn(value, segment)) next.push((value as Record<string, unknown>)[segment]);
    }
    current = next;
  }
  return current.flatMap(flattenArrays).filter((value) => value !== null && value !== undefined);
}

function flattenArrays(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flattenArrays) : [value];
}

function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(flattenArrays).flatMap(textsOf);
  return [];
}

function facetValueOf(value: unknown): FacetValue | undefined {
  if (typeof value === 'string') return value.slice(0, MAX_FACET_STRING);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
}

/** The words of a text as queries see them: lower-cased runs of letters and digits (not digits alone). */
export function lexiconWords(text: string): string[] {
  const words = new Set<string>();
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    const length = [...word].length;
    if (length >= MIN_LEXICON_WORD && length <= MAX_LEXICON_WORD && !/^\p{N}+$/u.test(word)) words.add(word);
    if (words.size >= MAX_WORDS_PER_DOCUMENT) break;
  }
  return [...words].sort();
}

/** Words as the query parser splits them, lower-cased, in order: for matching in memory. */
export function textWords(text: string): string[] {
  return [...text.normalize('NFKC').toLowerCase().matchAll(WORD)].map((match) => match[0]);
}
