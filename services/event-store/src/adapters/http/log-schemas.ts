import { problemResponses } from '@hexbase/http';
import type { EventSelectorSpec } from '../../domain/event-selector';

export const storedEventSchema = {
  type: 'object',
  required: ['position', 'event'],
  properties: { position: { type: 'integer' }, event: { type: 'object', additionalProperties: true } },
} as const;

export const eventPageSchema = {
  type: 'object',
  required: ['items', 'lastPosition'],
  properties: {
    items: { type: 'array', items: storedEventSchema },
    lastPosition: { type: 'integer', description: 'Pass it as `after` to read on: every position up to it has been examined (it can be past the last item).' },
  },
} as const;

/** Query parameters that select events, shared by the log reads. */
export const selectorQueryProperties = {
  type: { type: 'string', maxLength: 1000, pattern: '^[a-z0-9.]+(,[a-z0-9.]+)*$', description: 'Comma-separated event types' },
  streamPrefix: { type: 'string', minLength: 1, maxLength: 300 },
  collection: { type: 'string', minLength: 1, maxLength: 63, description: 'Streams of this collection (`<collection>/...`)' },
  filter: { type: 'string', maxLength: 4096, description: 'Filter expression on the envelope (docs/filters.md), e.g. `type = "record.created" and data.data.total > 10`' },
} as const;

/** Body properties that select events, shared by subscriptions and replays. */
export const selectorBodyProperties = {
  types: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 200 } },
  streamPrefix: { type: 'string', minLength: 1, maxLength: 300 },
  collection: { type: 'string', minLength: 1, maxLength: 63 },
  filter: { type: 'string', maxLength: 4096 },
} as const;

export const selectorSpecSchema = { type: 'object', properties: selectorBodyProperties } as const;

export interface SelectorQuery {
  type?: string;
  streamPrefix?: string;
  collection?: string;
  filter?: string;
}

export function selectorSpecFromQuery(query: SelectorQuery): EventSelectorSpec {
  return {
    ...(query.type ? { types: query.type.split(',') } : {}),
    ...(query.streamPrefix !== undefined ? { streamPrefix: query.streamPrefix } : {}),
    ...(query.collection !== undefined ? { collection: query.collection } : {}),
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
  };
}

export function selectorSpecFromBody(body: EventSelectorSpec): EventSelectorSpec {
  return {
    ...(body.types !== undefined ? { types: body.types } : {}),
    ...(body.streamPrefix !== undefined ? { streamPrefix: body.streamPrefix } : {}),
    ...(body.collection !== undefined ? { collection: body.collection } : {}),
    ...(body.filter !== undefined ? { filter: body.filter } : {}),
  };
}

export { problemResponses };
