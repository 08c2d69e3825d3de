import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '@hexbase/testing';
import { createMemoryEventLog } from '../adapters/memory/memory-event-log';
import { createMemoryReplays } from '../adapters/memory/memory-replays';
import type { StoredEvent } from '../domain/stored-event';
import { testEvent } from './event-log.contract';
import type { ReplayTarget } from './ports';
import { createReplayRunner } from './replay-runner';
import { startReplay } from './start-replay';

/** A ReplayTarget that keeps what it was given per queue, and lets the test let batches through one by one. */
function memoryTarget(queues: string[]) {
  const published = new Map<string, StoredEvent[]>(queues.map((queue) => [queue, []]));
  let held = false;
  let permits = 0;
  const waiting: Array<() => void> = [];
  const target: ReplayTarget = {
    async queueExists(queue) {
      return published.has(queue);
    },
    async publish(queue, events) {
      if (held && permits > 0) permits -= 1;
      else if (held) await new Promise<void>((resolve) => waiting.push(resolve));
      published.get(queue)!.push(...events);
    },
  };
  return {
    target,
    published,
    hold: () => (held = true),
    releaseOne: () => {
      const next = waiting.shift();
      if (next) next();
      else permits += 1;
    },
    releaseAll: () => {
      held = false;
      for (const next of waiting.splice(0)) next();
    },
  };
}

async function logOf(count: number) {
  const log = createMemoryEventLog();
  for (let n = 1; n <= count; n += 1) {
    await log.append(testEvent({ id: randomUUID(), type: n % 2 ? 'record.created' : 'record.updated', streamid: `orders/${n}`, subject: `orders/${n}` }));
  }
  return log;
}

describe('replaying a range of the log to one consumer', () => {
  it('publishes the selected events of the range in position order, reporting progress batch by batch', async () => {
    const log = await logOf(20);
    const replays = createMemoryReplays();
    const queue = memoryTarget(['hexbase.search']);
    const progress: number[] = [];
    const runner = createReplayRunner({ log, replays, target: queue.target, batchSize: 3, leaseMs: 30_000, onProgress: (_, published) => progress.push(published) });
    queue.hold();
    const replay = await startReplay({ log, replays, target: queue.target, runner, newId: randomUUID }, { tenantId: 't1', consumer: 'hexbase.search', fromPosition: 4, toPosition: 17, selector: { types: ['record.created'] } });
    expect(replay).toMatchObject({ total: 7, published: 0, status: 'running' });

    queue.releaseOne();
    await eventually(async () => ((await replays.get('t1', replay.id))?.published === 3 ? true : undefined));
    expect((await replays.get('t1', replay.id))?.status).toBe('running');
    queue.releaseAll();
    await eventually(async () => ((await replays.get('t1', replay.id))?.status === 'completed' ? true : undefined));

    expect(queue.published.get('hexbase.search')!.map((stored) => stored.position)).toEqual([5, 7, 9, 11, 13, 15, 17]);
    expect(progress).toEqual([3, 6, 7]);
    expect(await replays.get('t1', replay.id)).toMatchObject({ published: 7, total: 7 });
  });

  it('refuses an unknown queue, a range ahead of the log and a reversed range, naming the field', async () => {
    const log = await logOf(5);
    const replays = createMemoryReplays();
    const queue = memoryTarget(['hexbase.search']);
    const runner = createReplayRunner({ log, replays, target: queue.target, batchSize: 3, leaseMs: 30_000 });
    const start = (request: { consumer?: string; fromPosition?: number; toPosition?: number }) =>
      startReplay({ log, replays, target: queue.target, runner, newId: randomUUID }, { tenantId: 't1', consumer: 'hexbase.search', fromPosition: 1, selector: {}, ...request }).catch((error: unknown) => error);
    expect(await start({ consumer: 'hexbase.nobody' })).toMatchObject({ code: 'CONSUMER_QUEUE_NOT_FOUND', kind: 'not_found', violations: [{ field: '/body/consumer' }] });
    expect(await start({ toPosition: 6 })).toMatchObject({ code: 'POSITION_AHEAD_OF_LOG', kind: 'conflict', violations: [{ field: '/body/toPosition' }] });
    expect(await start({ fromPosition: 4, toPosition: 3 })).toMatchObject({ code: 'INVALID_REPLAY_RANGE', kind: 'validation', violations: [{ field: '/body/fromPosition' }] });
  });

  it('takes over a replay left running by a stopped process and runs it again from its first position', async () => {
    const log = await logOf(6);
    let offsetMs = 0;
    const replays = createMemoryReplays(() => new Date(Date.now() + offsetMs));
    const queue = memoryTarget(['hexbase.search']);
    const abandoned = await replays.create({ id: randomUUID(), tenantId: 't1', consumer: 'hexbase.search', selector: {}, fromPosition: 2, toPosition: 6, total: 5 });
    await replays.recordProgress(abandoned.id, 2);
    offsetMs = 60_000;
    const runner = createReplayRunner({ log, replays, target: queue.target, batchSize: 2, leaseMs: 30_000 });
    expect((await runner.resumeStale()).map((replay) => replay.id)).toEqual([abandoned.id]);
    await eventually(async () => ((await replays.get('t1', abandoned.id))?.status === 'completed' ? true : undefined));
    expect(queue.published.get('hexbase.search')!.map((stored) => stored.position)).toEqual([2, 3, 4, 5, 6]);
    expect(await replays.get('t1', abandoned.id)).toMatchObject({ published: 5 });
    await runner.stop();
  });
});
