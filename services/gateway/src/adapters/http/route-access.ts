import type { AccessLevel, Area, Principal } from '../../domain/principal';

/**
 * What a route requires, set as the route's `config.access`:
 * - `public`: no credentials (ops routes and `/docs` need no config at all);
 * - `{ area, level }`: a principal whose scopes allow `level` in `area` (no area: tenant-wide,
 *   only the unqualified `read`/`write`/`admin` scopes count);
 * - `platform-admin`: the bootstrap admin credential only.
 * The auth plugin (auth.plugin.ts) enforces it in an onRequest hook and sets `request.principal`.
 */
export type RouteAccess = 'public' | 'platform-admin' | { area?: Area; level: AccessLevel };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}
