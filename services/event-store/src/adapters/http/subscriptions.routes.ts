import { notFound } from '@hexbase/contracts';
import { problemResponses, tenantOf } from '@hexbase/http';
import type { FastifyInstance } from 'fastify';
import { acknowledgeEvents } from '../../application/acknowledge-events';
import { createSubscription } from '../../application/create-subscription';
import { MAX_WAIT_SECONDS } from '../../application/follow-log';
import type { EventLog, LogWatcher, Subscriptions } from '../../application/ports';
import { readSubscriptionEvents, requireSubscription } from '../../application/read-subscription-events';
import type { EventSelectorSpec } from '../../domain/event-selector';
import type { Subscription } from '../../domain/subscription';
import { SUBSCRIPTION_NAME } from '../../domain/subscription';
import { requestSignal } from './request-signal';
import { selectorBodyProperties, selectorSpecSchema, selectorSpecFromBody, storedEventSchema } from './log-schemas';

const subscriptionSchema = {
  type: 'object',
  required: ['name', 'position', 'selector', 'createdAt', 'updatedAt'],
  properties: {
    name: { type: 'string' },
    position: { type: 'integer', description: 'The checkpoint: events after it are still to be read' },
    selector: selectorSpecSchema,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: SUBSCRIPTION_NAME.source } } } as const;

const represent = (subscription: Subscription) => ({
  name: subscription.name,
  position: subscription.position,
  selector: subscription.selector,
  createdAt: subscription.createdAt,
  updatedAt: subscription.updatedAt,
});

type Params = { name: string };

/** Named consumers: a checkpoint kept on the server, read from and acknowledged over HTTP. */
export async function subscriptionsRoutes(app: FastifyInstance, deps: { log: EventLog; watcher: LogWatcher; subscriptions: Subscriptions }): Promise<void> {
  const tags = ['subscriptions'];
  const shutdown = new AbortController();
  app.addHook('preClose', async () => shutdown.abort());

  app.put<{ Params: Params; Body: EventSelectorSpec & { startPosition?: number | 'head' } }>(
    '/v1/subscriptions/:name',
    {
      schema: {
        tags,
        summary: 'Create a named consumer with its selection and start position (the same request again changes nothing)',
        params: nameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...selectorBodyProperties,
            startPosition: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', const: 'head' }], description: 'Read events after this position; "head": from now on. Default 0.' },
          },
        },
        response: { 200: subscriptionSchema, 201: subscriptionSchema, ...problemResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const { created, subscription } = await createSubscription(deps.log, deps.subscriptions, {
        tenantId: tenantOf(request),
        name: request.params.name,
        selector: selectorSpecFromBody(body),
        startPosition: body.startPosition ?? 0,
      });
      return reply.code(created ? 201 : 200).send(represent(subscription));
    },
  );

  app.get<{ Params: Params }>(
    '/v1/subscriptions/:name',
    { schema: { tags, summary: 'A named consumer and its checkpoint', params: nameParams, response: { 200: subscriptionSchema, ...problemResponses(400, 404) } } },
    async (request) => represent(await requireSubscription(deps.subscriptions, tenantOf(request), request.params.name)),
  );

  app.delete<{ Params: Params }>(
    '/v1/subscriptions/:name',
    { schema: { tags, summary: 'Delete a named consumer and its checkpoint', params: nameParams, response: { 204: { type: 'null' }, ...problemResponses(400, 404) } } },
    async (request, reply) => {
      if (!(await deps.subscriptions.remove(tenantOf(request), request.params.name))) throw notFound('SUBSCRIPTION_NOT_FOUND', `no subscription named ${request.params.name}`);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Params; Querystring: { limit: number; wait: number } }>(
    '/v1/subscriptions/:name/events',
    {
      schema: {
        tags,
        summary: 'The next events after the checkpoint (long-poll with `wait`); acknowledge them to move the checkpoint',
        params: nameParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, wait: { type: 'integer', minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'lastPosition', 'checkpoint'],
            properties: {
              items: { type: 'array', items: storedEventSchema },
              lastPosition: { type: 'integer', description: 'Acknowledge this once the items are processed' },
              checkpoint: { type: 'integer' },
            },
          },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const page = await readSubscriptionEvents(
        { log: deps.log, watcher: deps.watcher, subscriptions: deps.subscriptions },
        { tenantId: tenantOf(request), name: request.params.name, limit: request.query.limit, waitMs: request.query.wait * 1000, signal: requestSignal(shutdown.signal, reply.raw) },
      );
      return { items: page.items, lastPosition: page.lastPosition, checkpoint: page.subscription.position };
    },
  );

  app.post<{ Params: Params; Body: { position: number } }>(
    '/v1/subscriptions/:name/ack',
    {
      schema: {
        tags,
        summary: 'Move the checkpoint to a position (never backwards; an older position changes nothing)',
        params: nameParams,
        body: { type: 'object', additionalProperties: false, required: ['position'], properties: { position: { type: 'integer', minimum: 0 } } },
        response: { 200: subscriptionSchema, ...problemResponses(400, 404, 409) },
      },
    },
    async (request) => represent(await acknowledgeEvents(deps.log, deps.subscriptions, { tenantId: tenantOf(request), name: request.params.name, position: request.body.position })),
  );
}
