import type { EventEnvelope } from '@hexbase/contracts';
import { evaluateFilter, type FilterExpression } from '@hexbase/filter';

/**
 * Which events of a tenant's log a reader wants, as the client wrote it. Subscriptions and
 * replays store it as given and parse it again when they run.
 */
export interface EventSelectorSpec {
  /** Event types, any of them. */
  types?: string[];
  /** Stream ids starting with this text. */
  streamPrefix?: string;
  /** Streams of this collection (`<collection>/...`). */
  collection?: string;
  /** A filter expression (docs/filters.md) on the whole envelope: `type = "record.created" and data.data.total > 10`. */
  filter?: string;
}

/** A parsed, valid EventSelectorSpec. */
export interface EventSelector {
  spec: EventSelectorSpec;
  types?: string[];
  streamPrefix?: string;
  collection?: string;
  filter?: FilterExpression;
}

/**
 * The one stream prefix the log can be narrowed to in storage: `streamPrefix` and the collection's
 * `<collection>/` together. `null` when the two exclude each other, so no event can match.
 */
export function storagePrefixOf(selector: Pick<EventSelector, 'streamPrefix' | 'collection'>): string | undefined | null {
  const collectionPrefix = selector.collection === undefined ? undefined : `${selector.collection}/`;
  if (collectionPrefix === undefined) return selector.streamPrefix;
  if (selector.streamPrefix === undefined) return collectionPrefix;
  if (selector.streamPrefix.startsWith(collectionPrefix)) return selector.streamPrefix;
  if (collectionPrefix.startsWith(selector.streamPrefix)) return collectionPrefix;
  return null;
}

/** Whether one event is selected: every condition of the selector holds. */
export function isSelected(selector: EventSelector, event: EventEnvelope): boolean {
  if (selector.types && selector.types.length > 0 && !selector.types.includes(event.type)) return false;
  const prefix = storagePrefixOf(selector);
  if (prefix === null || (prefix !== undefined && !event.streamid.startsWith(prefix))) return false;
  return selector.filter === undefined || evaluateFilter(selector.filter, event);
}
