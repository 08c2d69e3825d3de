/** Private-use characters the index puts around matched words; turned into `<mark>` once the text is escaped. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';
const MARKERS = /[\uE000\uE001]/g;

/**
 * The searchable fields of a record, as a nested object holding only those paths, with any
 * marker characters the data itself contains removed (so they cannot turn into markup).
 */
export function searchableFieldsOf(data: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    const segments = field.split('.');
    let source: unknown = data;
    for (const segment of segments) source = typeof source === 'object' && source !== null && !Array.isArray(source) ? (source as Record<string, unknown>)[segment] : undefined;
    if (source === undefined) continue;
    let target = picked;
    for (const segment of segments.slice(0, -1)) {
      if (typeof target[segment] !== 'object' || target[segment] === null) target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    target[segments[segments.length - 1]!] = withoutMarkers(source);
  }
  return picked;
}

function withoutMarkers(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(MARKERS, '');
  if (Array.isArray(value)) return value.map(withoutMarkers);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutMarkers(inner)]));
  return value;
}

/** Every string in a value HTML-escaped, with the markers turned into `<mark>` and `</mark>`. */
export function markedAsHtml<T>(value: T): T {
  if (typeof value === 'string') return escapeHtml(value).replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>') as T;
  if (Array.isArray(value)) return value.map(markedAsHtml) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, markedAsHtml(inner)])) as T;
  return value;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** The first words of a text, for a snippet when nothing was searched for. */
export function openingWords(text: string, count: number): string {
  const words = text.replace(MARKERS, '').split(/\s+/u).filter(Boolean);
  return words.slice(0, count).join(' ');
}
