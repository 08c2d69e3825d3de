import type { Snapshots } from '../../application/ports';
import type { RecordState } from '../../domain/record-state';

/** In-memory twin of Snapshots. */
export function createMemorySnapshots(): Snapshots & { count(): number } {
  const byStream = new Map<string, RecordState[]>();
  const keyOf = (tenantId: string, streamId: string) => `${tenantId}\u0000${streamId}`;
  return {
    async latest(tenantId, streamId, atOrBelow) {
      const candidates = (byStream.get(keyOf(tenantId, streamId)) ?? []).filter((state) => state.version <= atOrBelow);
      const newest = candidates.sort((a, b) => b.version - a.version)[0];
      return newest ? structuredClone(newest) : undefined;
    },
    async save(tenantId, streamId, state) {
      const states = byStream.get(keyOf(tenantId, streamId)) ?? [];
      if (!states.some((stored) => stored.version === state.version)) states.push(structuredClone(state));
      byStream.set(keyOf(tenantId, streamId), states);
    },
    count: () => [...byStream.values()].reduce((sum, states) => sum + states.length, 0),
  };
}
