import { HexbaseError } from '@hexbase/contracts';
import type { IdempotentRequest } from '../../application/ports';

/** The subset of a pg client the helpers need. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Claims an Idempotency-Key inside the caller's transaction. The claim row is inserted first, so
 * a concurrent request with the same key blocks on it until the first commits (then sees its
 * stored result) or rolls back (then runs itself). Returns the stored result of an earlier run.
 */
export async function claimIdempotencyKey(client: SqlClient, tenantId: string, request: IdempotentRequest): Promise<unknown | undefined> {
  const inserted = await client.query(
    `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status, headers, body) VALUES ($1, $2, $3, 0, '{}', 'null')
     ON CONFLICT (tenant_id, key) DO NOTHING`,
    [tenantId, request.key, request.fingerprint],
  );
  if (inserted.rowCount === 1) return undefined;
  const { rows } = await client.query<{ fingerprint: string; body: unknown }>(
    'SELECT fingerprint, body FROM idempotency_keys WHERE tenant_id = $1 AND key = $2',
    [tenantId, request.key],
  );
  const stored = rows[0];
  if (!stored) throw new HexbaseError('IDEMPOTENCY_KEY_IN_USE', 'conflict', 'a request with this Idempotency-Key is still running; retry later');
  if (stored.fingerprint !== request.fingerprint) {
    throw new HexbaseError('IDEMPOTENCY_KEY_REUSED', 'validation', 'this Idempotency-Key was used for a different request', [
      { field: '/headers/idempotency-key', rule: 'reuse', message: 'an Idempotency-Key may be reused only for the identical request' },
    ]);
  }
  return stored.body;
}

export async function storeIdempotentResult(client: SqlClient, tenantId: string, request: IdempotentRequest, result: unknown): Promise<void> {
  await client.query('UPDATE idempotency_keys SET status = 200, body = $3 WHERE tenant_id = $1 AND key = $2', [tenantId, request.key, JSON.stringify(result)]);
}

/** pg error code of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

export function isPgError(error: unknown, code: string): error is Error & { code: string; constraint?: string } {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
