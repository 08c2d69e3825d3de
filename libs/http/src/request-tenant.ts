import type { FastifyRequest } from 'fastify';
import { DEFAULT_TENANT, HexbaseError, TENANT_HEADER, TENANT_ID_PATTERN } from '@hexbase/contracts';

/** The tenant a request acts for (see TENANT_HEADER); a malformed header is a 400 naming it. */
export function tenantOf(request: FastifyRequest): string {
  const value = request.headers[TENANT_HEADER];
  const tenant = (Array.isArray(value) ? value[0] : value) ?? DEFAULT_TENANT;
  if (!TENANT_ID_PATTERN.test(tenant)) {
    throw new HexbaseError('INVALID_TENANT', 'validation', 'the tenant header is malformed', [
      { field: `/headers/${TENANT_HEADER}`, rule: 'pattern', message: 'lower-case letters, digits and dashes, at most 63 characters' },
    ]);
  }
  return tenant;
}
