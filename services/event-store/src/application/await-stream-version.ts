import { HexbaseError, decodeConsistencyToken } from '@hexbase/contracts';
import type { Streams } from './ports';

/**
 * Waits, bounded, until the event store holds a stream at least at the version a consistency
 * token names (a write elsewhere that has not arrived through the bus yet), so a reader given the
 * token reads its own writes. A token for another tenant or stream is a 400; one not reached in
 * time is 503 CONSISTENCY_TIMEOUT with Retry-After.
 */
export async function awaitConsistencyToken(streams: Streams, tenantId: string, streamId: string, token: string, options: { timeoutMs: number; pollMs?: number }): Promise<void> {
  const point = decodeConsistencyToken(token);
  if (!point || point.tenantId !== tenantId || point.streamId !== streamId) {
    throw new HexbaseError('INVALID_CONSISTENCY_TOKEN', 'validation', 'the consistency token does not name this stream of this tenant', [
      { field: '/headers/hexbase-consistency-token', rule: 'stream', message: 'a token a write to this stream answered with' },
    ]);
  }
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const stream = await streams.info(tenantId, streamId);
    if (stream && stream.version >= point.version) return;
    if (Date.now() >= deadline) {
      throw new HexbaseError('CONSISTENCY_TIMEOUT', 'unavailable', `stream ${streamId} has not reached version ${point.version} yet`, [], { retryAfter: 1, currentVersion: stream?.version ?? 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 25));
  }
}
