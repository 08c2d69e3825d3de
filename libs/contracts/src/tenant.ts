/** Tenant ids become part of routing keys, database rows and URLs: lower-case words and dashes. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Header carrying the caller's tenant to a service. The gateway sets it (and will be the only
 * caller allowed to); a direct call without it acts for DEFAULT_TENANT, for local development.
 */
export const TENANT_HEADER = 'x-hexbase-tenant';
export const DEFAULT_TENANT = 'default';
