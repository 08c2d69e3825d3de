import { globalPlugin } from './global-plugin';
import { routeLabel } from './metrics-plugin';

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One line per response, in place of Fastify's two default lines (turn those off with
 * `disableRequestLogging` in the server's log controller). Logs the path without its query string, which may carry
 * tokens; probes and scrapes log at debug.
 */
export const requestLogPlugin = globalPlugin('hexbase-request-log', async (app) => {
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeLabel(request);
    const fields = {
      method: request.method,
      route,
      path: request.url.split('?', 1)[0],
      statusCode: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (QUIET_ROUTES.has(route)) request.log.debug(fields, 'request completed');
    else request.log.info(fields, 'request completed');
    done();
  });
});
