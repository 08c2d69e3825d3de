import type { FastifyPluginAsync } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    /** Leaves the route out of the OpenAPI document (read by @fastify/swagger). */
    hide?: boolean;
  }
}

/**
 * Marks a plugin as not encapsulated (Fastify's `skip-override`), so its hooks, decorators and
 * routes apply to the instance it is registered on and to every plugin registered after it.
 */
export function globalPlugin<Options extends object>(name: string, plugin: FastifyPluginAsync<Options>): FastifyPluginAsync<Options> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
