import { SEARCH_LANGUAGES, SEARCH_WEIGHT_CLASSES, type CollectionSearchSettingsV1, type FieldViolation, type SearchableFieldV1 } from '@hexbase/contracts';
import { FIELD_PATH } from './field-path';

export type CollectionSearchSettings = CollectionSearchSettingsV1;
export type SearchableField = SearchableFieldV1;

/** The search settings as a client writes them: everything but the searchable fields has a default. */
export interface SearchSettingsInput {
  searchableFields: Array<{ field: string; weight?: SearchableField['weight'] }>;
  filterableFields?: string[];
  facetableFields?: string[];
  sortableFields?: string[];
  language?: string;
  synonyms?: Record<string, string[]>;
  stopWords?: string[];
}

export const MAX_SEARCH_FIELDS = 32;
export const MAX_SYNONYM_KEYS = 500;
export const MAX_SYNONYMS_PER_WORD = 20;
export const MAX_STOP_WORDS = 1000;
export const MAX_NUMERIC_WEIGHT = 1000;
/** A word as queries see it: lower-case letters and digits of any script. */
export const SEARCH_WORD = /^[\p{Ll}\p{Lo}\p{Lm}\p{N}]{1,64}$/u;

export function searchSettingsFrom(input: SearchSettingsInput): CollectionSearchSettings {
  return {
    searchableFields: input.searchableFields.map((searchable) => ({ field: searchable.field, weight: searchable.weight ?? 'D' })),
    filterableFields: input.filterableFields ?? [],
    facetableFields: input.facetableFields ?? [],
    sortableFields: input.sortableFields ?? [],
    language: (input.language ?? 'simple') as CollectionSearchSettings['language'],
    synonyms: input.synonyms ?? {},
    stopWords: input.stopWords ?? [],
  };
}

/** Rules on search settings that the request's JSON Schema cannot express; fields are JSON Pointers under `/search`. */
export function searchSettingsViolations(settings: CollectionSearchSettings): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const add = (field: string, rule: string, message: string) => violations.push({ field: `/search${field}`, rule, message });

  if (settings.searchableFields.length === 0) add('/searchableFields', 'minItems', 'name at least one searchable field');
  settings.searchableFields.forEach((searchable, index) => {
    if (!FIELD_PATH.test(searchable.field)) add(`/searchableFields/${index}/field`, 'pattern', `"${searchable.field}" is not a dotted field path`);
    const weight = searchable.weight;
    const valid = typeof weight === 'number' ? Number.isFinite(weight) && weight > 0 && weight <= MAX_NUMERIC_WEIGHT : (SEARCH_WEIGHT_CLASSES as readonly string[]).includes(weight);
    if (!valid) add(`/searchableFields/${index}/weight`, 'weight', `a weight is one of A, B, C, D or a number above 0 and at most ${MAX_NUMERIC_WEIGHT}`);
  });
  checkUnique(settings.searchableFields.map((searchable) => searchable.field), '/searchableFields', add);
  const numeric = settings.searchableFields.filter((searchable) => typeof searchable.weight === 'number');
  if (numeric.length > 0 && numeric.length < settings.searchableFields.length) {
    add('/searchableFields', 'weight', 'use either weight classes (A to D) or numbers for every searchable field, not both');
  }
  if (new Set(numeric.map((searchable) => searchable.weight)).size > SEARCH_WEIGHT_CLASSES.length) {
    add('/searchableFields', 'weight', `at most ${SEARCH_WEIGHT_CLASSES.length} different numeric weights (PostgreSQL ranks with four weight classes)`);
  }

  for (const list of ['filterableFields', 'facetableFields', 'sortableFields'] as const) {
    settings[list].forEach((field, index) => {
      if (!FIELD_PATH.test(field)) add(`/${list}/${index}`, 'pattern', `"${field}" is not a dotted field path`);
    });
    checkUnique(settings[list], `/${list}`, add);
  }

  if (!(SEARCH_LANGUAGES as readonly string[]).includes(settings.language)) {
    add('/language', 'enum', `the language is a PostgreSQL text search configuration: one of ${SEARCH_LANGUAGES.join(', ')}`);
  }

  const synonymKeys = Object.keys(settings.synonyms);
  if (synonymKeys.length > MAX_SYNONYM_KEYS) add('/synonyms', 'maxProperties', `at most ${MAX_SYNONYM_KEYS} words with synonyms`);
  for (const word of synonymKeys) {
    const pointer = `/synonyms/${escapePointer(word)}`;
    if (!SEARCH_WORD.test(word)) add(pointer, 'word', 'a synonym key is one lower-case word (letters and digits, at most 64)');
    const alternatives = settings.synonyms[word]!;
    if (alternatives.length === 0 || alternatives.length > MAX_SYNONYMS_PER_WORD) add(pointer, 'size', `give 1 to ${MAX_SYNONYMS_PER_WORD} synonyms`);
    alternatives.forEach((alternative, index) => {
      if (!alternative.split(' ').every((part) => SEARCH_WORD.test(part))) {
        add(`${pointer}/${index}`, 'word', 'a synonym is a lower-case word, or words separated by single spaces');
      }
    });
  }

  if (settings.stopWords.length > MAX_STOP_WORDS) add('/stopWords', 'maxItems', `at most ${MAX_STOP_WORDS} stop words`);
  settings.stopWords.forEach((word, index) => {
    if (!SEARCH_WORD.test(word)) add(`/stopWords/${index}`, 'word', 'a stop word is one lower-case word (letters and digits, at most 64)');
  });
  return violations;
}

function checkUnique(values: string[], pointer: string, add: (field: string, rule: string, message: string) => void): void {
  if (new Set(values).size !== values.length) add(pointer, 'uniqueItems', `${pointer.slice(1)} must not repeat a field`);
}

/** RFC 6901: `~` and `/` inside a key. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
