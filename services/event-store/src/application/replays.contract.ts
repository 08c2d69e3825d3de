import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Replays } from './ports';

const newReplay = (tenantId = 'replay-tenant') => ({ id: randomUUID(), tenantId, consumer: 'hexbase.search', selector: { types: ['record.created'] }, fromPosition: 1, toPosition: 40, total: 12 });

/**
 * The behaviour every Replays adapter must have. `age` makes a replay's lease look older by that
 * many milliseconds, as time passing would.
 */
export function replaysContract(name: string, setup: () => Promise<{ replays: Replays; age: (id: string, ms: number) => Promise<void> }>): void {
  describe(`Replays contract: ${name}`, () => {
    it('records a replay, its progress and how it ended, for its tenant only', async () => {
      const { replays } = await setup();
      const replay = await replays.create(newReplay());
      expect(replay).toMatchObject({ status: 'running', published: 0, total: 12, fromPosition: 1, toPosition: 40, selector: { types: ['record.created'] } });
      await replays.recordProgress(replay.id, 5);
      expect(await replays.get('replay-tenant', replay.id)).toMatchObject({ status: 'running', published: 5 });
      expect(await replays.get('someone-else', replay.id)).toBeUndefined();
      await replays.finish(replay.id, { status: 'failed', error: 'queue deleted' });
      expect(await replays.get('replay-tenant', replay.id)).toMatchObject({ status: 'failed', error: 'queue deleted', published: 5 });
      await replays.recordProgress(replay.id, 9);
      await replays.finish(replay.id, { status: 'completed' });
      expect(await replays.get('replay-tenant', replay.id)).toMatchObject({ status: 'failed', published: 5 });
    });

    it('hands a replay whose lease ran out to exactly one claimer, with its progress reset', async () => {
      const { replays, age } = await setup();
      const stale = await replays.create(newReplay());
      await replays.recordProgress(stale.id, 7);
      await age(stale.id, 60_000);
      const fresh = await replays.create(newReplay());
      const claims = await Promise.all([replays.claimStale(30_000), replays.claimStale(30_000), replays.claimStale(30_000)]);
      const claimed = claims.flat().filter((replay) => replay.id === stale.id);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({ status: 'running', published: 0 });
      expect(claims.flat().some((replay) => replay.id === fresh.id)).toBe(false);
      expect((await replays.claimStale(30_000)).some((replay) => replay.id === stale.id)).toBe(false);
    });
  });
}
