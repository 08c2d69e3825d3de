import { HexbaseError } from '@hexbase/contracts';
import type { IdempotentRequest, WriteOutcome } from '../../application/ports';

/** Idempotency-Key bookkeeping of the in-memory twins: same semantics as the PostgreSQL table. */
export class MemoryIdempotency<T> {
  private readonly stored = new Map<string, { fingerprint: string; result: T }>();

  run(tenantId: string, request: IdempotentRequest | undefined, work: () => T): WriteOutcome<T> {
    if (!request) return { replayed: false, result: work() };
    const key = `${tenantId}\u0000${request.key}`;
    const earlier = this.stored.get(key);
    if (earlier) {
      if (earlier.fingerprint !== request.fingerprint) {
        throw new HexbaseError('IDEMPOTENCY_KEY_REUSED', 'validation', 'this Idempotency-Key was used for a different request', [
          { field: '/headers/idempotency-key', rule: 'reuse', message: 'an Idempotency-Key may be reused only for the identical request' },
        ]);
      }
      return { replayed: true, result: earlier.result };
    }
    const result = work();
    this.stored.set(key, { fingerprint: request.fingerprint, result });
    return { replayed: false, result };
  }
}
