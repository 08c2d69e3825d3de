/**
 * Streams written directly through the API are application streams (`order-123`,
 * `billing:invoice-7`). A `/` marks a record stream (`<collection>/<id>`): those are written only
 * by the records service, through the bus, so a direct append cannot contradict a record's history.
 */
export const APPLICATION_STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+=~-]{0,199}$/;

/** Event types: two or more dotted words of lower-case letters and digits (`order.placed`), as the log filters name them. */
export const EVENT_TYPE = /^[a-z][a-z0-9]*(\.[a-z0-9]+)+$/;

/** Types only the records service produces; time travel rebuilds records from them. */
export const RECORD_EVENT_TYPE_PREFIX = 'record.';

export function isRecordStreamId(streamId: string): boolean {
  const slash = streamId.indexOf('/');
  return slash > 0 && slash < streamId.length - 1 && streamId.indexOf('/', slash + 1) === -1;
}
