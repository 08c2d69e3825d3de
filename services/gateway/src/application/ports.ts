import type { Principal } from '../domain/principal';

/** What a request or WebSocket handshake presented. */
export interface Credentials {
  /** An API key (`hb_...`), from `Authorization: Bearer` or `X-API-Key`. */
  apiKey?: string;
  /** A bearer token that is not an API key: an end-user JWT. */
  jwt?: string;
}

/**
 * Establishes who is calling. Throws HexbaseError `unauthorized` for missing, unknown, revoked,
 * expired or badly signed credentials (never saying which tenant a key belongs to).
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Principal>;
}

/** Per-tenant settings the gateway enforces on requests and sockets. */
export interface TenantPolicy {
  tenant: string;
  /** Origins allowed by CORS and for WebSocket handshakes (exact `scheme://host[:port]`). */
  allowedOrigins: readonly string[];
}

export interface TenantPolicies {
  /** The tenant's policy, or null for an unknown tenant. */
  get(tenant: string): Promise<TenantPolicy | null>;
}
