/** The areas of the public API a scope can be limited to. */
export const AREAS = ['records', 'events', 'search', 'notifications'] as const;
export type Area = (typeof AREAS)[number];

/** Access levels, each including the ones before it: admin ⊇ write ⊇ read. */
export const ACCESS_LEVELS = ['read', 'write', 'admin'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** `read`, `write` or `admin` over every area, or `<area>:<level>` over one. */
export type Scope = AccessLevel | `${Area}:${AccessLevel}`;

/** Who is calling, as the gateway established it. */
export interface Principal {
  tenant: string;
  /** How the caller proved who it is. */
  kind: 'api-key' | 'user' | 'platform-admin';
  /** The API key's id, the user's `sub`, or `bootstrap` for the platform admin. */
  id: string;
  /** The end user notifications and realtime address: a JWT's `sub`. Absent for API keys. */
  userId?: string;
  scopes: readonly Scope[];
}

const LEVEL_RANK: Record<AccessLevel, number> = { read: 0, write: 1, admin: 2 };

/**
 * Whether the principal may act at `level` in `area`; without an area (tenant-wide routes such as
 * `/v1/admin/keys`) only the unqualified scopes count. The platform admin may do anything.
 */
export function allows(principal: Principal, area: Area | undefined, level: AccessLevel): boolean {
  if (principal.kind === 'platform-admin') return true;
  return principal.scopes.some((scope) => {
    const [scopeArea, scopeLevel] = scope.includes(':') ? (scope.split(':') as [Area, AccessLevel]) : [area, scope as AccessLevel];
    return scopeArea === area && LEVEL_RANK[scopeLevel] >= LEVEL_RANK[level];
  });
}
