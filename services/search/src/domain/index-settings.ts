import { SEARCH_WEIGHT_CLASSES, type CollectionSearchSettingsV1, type SearchWeightClass } from '@hexbase/contracts';
import { jsonEqual } from './json-equal';

export type SearchSettings = CollectionSearchSettingsV1;
export type WeightClass = SearchWeightClass;
export { SEARCH_WEIGHT_CLASSES as WEIGHT_CLASSES };

/** PostgreSQL's own weights for D, C, B and A, used when a collection weights its fields with letters. */
const CLASS_WEIGHTS: Record<WeightClass, number> = { A: 1, B: 0.4, C: 0.2, D: 0.1 };

/**
 * The weight class of each searchable field. Letters are taken as they are; numeric weights are
 * ranked, the largest becoming A, the next B, and so on (settings allow at most four numbers).
 */
export function weightClasses(settings: SearchSettings): Map<string, WeightClass> {
  const numbers = [...new Set(settings.searchableFields.flatMap((searchable) => (typeof searchable.weight === 'number' ? [searchable.weight] : [])))].sort((a, b) => b - a);
  return new Map(
    settings.searchableFields.map((searchable) => [
      searchable.field,
      typeof searchable.weight === 'number' ? SEARCH_WEIGHT_CLASSES[Math.min(numbers.indexOf(searchable.weight), 3)]! : searchable.weight,
    ]),
  );
}

/** How much a match in each class counts, by class: numeric weights relative to the largest. */
export function classWeights(settings: SearchSettings): Record<WeightClass, number> {
  const numbers = [...new Set(settings.searchableFields.flatMap((searchable) => (typeof searchable.weight === 'number' ? [searchable.weight] : [])))].sort((a, b) => b - a);
  if (numbers.length === 0) return { ...CLASS_WEIGHTS };
  const weights = { ...CLASS_WEIGHTS };
  numbers.forEach((weight, index) => (weights[SEARCH_WEIGHT_CLASSES[index]!] = weight / numbers[0]!));
  return weights;
}

/**
 * True when documents indexed with `indexed` settings cannot serve `next`: the searchable fields,
 * their weights, the language or the facetable fields changed (they shape the stored vectors and
 * facet values), or search is being turned on. Filterable and sortable fields, synonyms and stop
 * words are applied at query time and need no rebuild.
 */
export function needsRebuild(indexed: SearchSettings | null, next: SearchSettings | null): boolean {
  if (next === null) return false;
  if (indexed === null) return true;
  return !jsonEqual(indexed.searchableFields, next.searchableFields) || indexed.language !== next.language || !jsonEqual(indexed.facetableFields, next.facetableFields);
}
