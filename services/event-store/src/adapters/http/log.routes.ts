import { HexbaseError } from '@hexbase/contracts';
import { problemResponses, tenantOf } from '@hexbase/http';
import { REQUEST_ID_HEADER } from '@hexbase/observability';
import type { FastifyInstance } from 'fastify';
import { MAX_WAIT_SECONDS, waitForSelectedEvents } from '../../application/follow-log';
import { requireReachedPosition } from '../../application/log-positions';
import { parseEventSelector } from '../../application/parse-event-selector';
import type { EventLog, LogWatcher } from '../../application/ports';
import { readSelectedEvents } from '../../application/read-selected-events';
import { eventPageSchema, selectorQueryProperties, selectorSpecFromQuery, type SelectorQuery } from './log-schemas';
import { requestSignal } from './request-signal';
import { openServerSentEvents } from './server-sent-events';

export interface LogRoutesOptions {
  /** Interval of SSE heartbeat comments. */
  heartbeatMs: number;
  /** Events per read while streaming. */
  streamBatchSize?: number;
}

type LogQuery = SelectorQuery & { after: number; limit: number; wait: number };

const LAST_EVENT_ID = 'last-event-id';

/**
 * The global log: one page after a position (long-polling with `wait`), or a Server-Sent Events
 * stream that follows it. Both read through readSelectedEvents, so a follower that goes on from
 * the position it last got never misses or repeats an event.
 */
export async function logRoutes(app: FastifyInstance, log: EventLog, watcher: LogWatcher, options: LogRoutesOptions): Promise<void> {
  const tags = ['events'];
  // Aborted when the server closes, so waiting requests answer and streams end instead of holding the close up.
  const shutdown = new AbortController();
  app.addHook('preClose', async () => shutdown.abort());

  app.get<{ Querystring: LogQuery }>(
    '/v1/events',
    {
      schema: {
        tags,
        summary: 'Read the global log after a position, filtered; with `wait`, wait up to that many seconds for the next event (long-poll)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            wait: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0, description: `Seconds to wait when no event follows \`after\` (at most ${MAX_WAIT_SECONDS})` },
            ...selectorQueryProperties,
          },
        },
        response: { 200: eventPageSchema, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const { after, limit, wait } = request.query;
      const tenantId = tenantOf(request);
      const selector = parseEventSelector(selectorSpecFromQuery(request.query), '/query');
      await requireReachedPosition(log, after, '/query/after');
      return waitForSelectedEvents(log, watcher, { tenantId, after, limit, selector }, wait * 1000, requestSignal(shutdown.signal, reply.raw));
    },
  );

  app.get<{ Querystring: SelectorQuery & { after?: number } }>(
    '/v1/events/stream',
    {
      schema: {
        tags,
        summary: 'Follow the global log as Server-Sent Events (`id` = position, `event` = type, `data` = envelope); resume with Last-Event-ID',
        querystring: { type: 'object', additionalProperties: false, properties: { after: { type: 'integer', minimum: 0 }, ...selectorQueryProperties } },
        headers: { type: 'object', properties: { [LAST_EVENT_ID]: { type: 'string', pattern: '^[0-9]{1,15}$' } } },
        response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const selector = parseEventSelector(selectorSpecFromQuery(request.query), '/query');
      const lastEventId = request.headers[LAST_EVENT_ID];
      const resumeFrom = typeof lastEventId === 'string' ? Number(lastEventId) : undefined;
      const field = resumeFrom !== undefined ? `/headers/${LAST_EVENT_ID}` : '/query/after';
      let after = resumeFrom ?? request.query.after ?? 0;
      if (!Number.isSafeInteger(after)) throw new HexbaseError('VALIDATION_FAILED', 'validation', 'bad position', [{ field, rule: 'type', message: 'must be a position' }]);
      await requireReachedPosition(log, after, field);

      reply.hijack();
      const stream = openServerSentEvents(reply.raw, { [REQUEST_ID_HEADER]: request.id });
      const stop = requestSignal(shutdown.signal, reply.raw);
      const batch = options.streamBatchSize ?? 100;
      try {
        await stream.comment(`following the log after ${after}`);
        while (!stop.aborted) {
          const page = await readSelectedEvents(log, { tenantId, after, limit: batch, selector });
          for (const stored of page.items) await stream.event(stored.position, stored.event.type, stored.event);
          after = page.lastPosition;
          if (page.items.length === batch) continue;
          const grew = await watcher.waitForAppend(after, options.heartbeatMs, stop);
          if (!grew && !stop.aborted) await stream.comment('heartbeat');
        }
      } catch (error) {
        request.log.warn({ err: error }, 'event stream failed');
      } finally {
        stream.end();
      }
    },
  );
}
