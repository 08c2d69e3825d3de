import { context, trace, type Context } from '@opentelemetry/api';
import type { RouteHandlerMethod } from 'fastify';
import { globalPlugin } from './global-plugin';
import { continueOrStartTrace, registerTracePropagation } from './trace-context';

declare module 'fastify' {
  interface FastifyRequest {
    /** The W3C `traceparent` of this request: the caller's when valid, otherwise a new trace's. */
    traceparent: string;
    /** The OpenTelemetry context of this request, for hooks that run outside the handler. */
    traceContext: Context;
  }
}

/**
 * Continues the caller's trace (or starts one) for every request: sets `request.traceparent`
 * and `request.traceContext`, adds `traceId` to the request logger, and runs each route handler
 * with that context active, so `currentTraceparent()`, `withSpan` and `injectTraceContext`
 * inside the handler (and everything it awaits) see the request's trace.
 * Register it before the routes: handlers are wrapped as routes are added.
 */
export const traceContextPlugin = globalPlugin('hexbase-trace-context', async (app) => {
  registerTracePropagation();
  app.decorateRequest('traceparent', '');
  app.decorateRequest('traceContext', null, []);

  app.addHook('onRequest', (request, reply, done) => {
    const incoming = continueOrStartTrace(request.headers);
    request.traceparent = incoming.traceparent;
    request.traceContext = incoming.context;
    request.log = request.log.child({ traceId: trace.getSpanContext(incoming.context)?.traceId });
    reply.log = request.log;
    // The rest of the lifecycle (parsing, validation, preHandler hooks such as authentication)
    // continues from here, so it runs in the request's context too.
    context.with(incoming.context, done);
  });

  // And the handler explicitly, so it has the context even if a hook or parser in between loses it.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as (...args: unknown[]) => unknown;
    route.handler = function handleInTraceContext(request, reply) {
      return context.with(request.traceContext, handler, this, request, reply);
    } as RouteHandlerMethod;
  });
});
