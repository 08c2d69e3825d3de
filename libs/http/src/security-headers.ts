import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * Helmet for a JSON API: responses are data, never pages, so the policy forbids loading,
 * framing or submitting anything. The `/docs` page replaces this CSP with its own (see
 * `docsCsp`), which allows the Swagger UI scripts and styles it serves itself.
 */
export const apiSecurityHeaders: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * Swagger UI's own CSP minus `upgrade-insecure-requests`, which would make browsers fetch the
 * page's scripts over https and break `/docs` on a plain-http development server.
 */
export function docsCsp(header: string): string {
  return header.replace(/\s*upgrade-insecure-requests;?/g, '').trim();
}
