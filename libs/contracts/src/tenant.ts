/** Tenant ids become part of routing keys, database rows and URLs: lower-case words and dashes. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Header carrying the caller's tenant to a service. The gateway sets it (and will be the only
 * caller allowed to); a direct call without it acts for DEFAULT_TENANT, for local development.
 */
export const TENANT_HEADER = 'x-hexbase-tenant';
export const DEFAULT_TENANT = 'default';

/**
 * Header carrying the shared internal credential (`HEXBASE_INTERNAL_TOKEN`) from the gateway to a
 * service. A service configured with the credential refuses every API request without it, so
 * the tenant, principal and user headers below can only have been set by the gateway.
 */
export const INTERNAL_TOKEN_HEADER = 'x-hexbase-internal-token';
/** Who the gateway authenticated: `api-key:<key id>`, `user:<sub>` or `platform-admin:bootstrap`. */
export const PRINCIPAL_HEADER = 'x-hexbase-principal';
/** The end user a request acts for (a JWT's `sub`), when there is one: notifications and realtime address it. */
export const USER_HEADER = 'x-hexbase-user';
