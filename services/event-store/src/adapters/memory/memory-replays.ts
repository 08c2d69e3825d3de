import type { Replays } from '../../application/ports';
import type { Replay } from '../../domain/replay';

/** In-memory twin of Replays; `now` drives the leases. */
export function createMemoryReplays(now: () => Date = () => new Date()): Replays {
  const byId = new Map<string, Replay>();
  const touch = (replay: Replay) => (replay.updatedAt = now().toISOString());

  return {
    async create(replay) {
      const at = now().toISOString();
      const created: Replay = { ...structuredClone(replay), published: 0, status: 'running', createdAt: at, updatedAt: at };
      byId.set(replay.id, created);
      return structuredClone(created);
    },
    async get(tenantId, id) {
      const found = byId.get(id);
      return found && found.tenantId === tenantId ? structuredClone(found) : undefined;
    },
    async recordProgress(id, published) {
      const found = byId.get(id);
      if (found?.status !== 'running') return;
      found.published = published;
      touch(found);
    },
    async finish(id, outcome) {
      const found = byId.get(id);
      if (found?.status !== 'running') return;
      found.status = outcome.status;
      if (outcome.status === 'failed') found.error = outcome.error;
      touch(found);
    },
    async claimStale(staleMs) {
      const cutoff = now().getTime() - staleMs;
      const claimed: Replay[] = [];
      for (const replay of byId.values()) {
        if (replay.status !== 'running' || Date.parse(replay.updatedAt) >= cutoff) continue;
        replay.published = 0;
        touch(replay);
        claimed.push(structuredClone(replay));
      }
      return claimed;
    },
  };
}
