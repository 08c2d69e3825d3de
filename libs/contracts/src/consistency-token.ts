/**
 * A consistency token names a stream and a version a write produced: `<tenant>:<stream>@<version>`,
 * base64url-encoded so it is opaque and header-safe. Reads elsewhere accept it and wait until
 * they reflect at least that version.
 */
export interface ConsistencyPoint {
  tenantId: string;
  streamId: string;
  version: number;
}

export function encodeConsistencyToken(point: ConsistencyPoint): string {
  return Buffer.from(`${point.tenantId}:${point.streamId}@${point.version}`, 'utf8').toString('base64url');
}

export function decodeConsistencyToken(token: string): ConsistencyPoint | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^([^:]+):(.+)@(\d+)$/.exec(text);
  if (!match) return undefined;
  return { tenantId: match[1]!, streamId: match[2]!, version: Number(match[3]) };
}
