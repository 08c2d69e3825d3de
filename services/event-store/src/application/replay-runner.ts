import type { Replay } from '../domain/replay';
import { parseEventSelector } from './parse-event-selector';
import type { EventLog, Replays, ReplayTarget } from './ports';
import { readSelectedEvents } from './read-selected-events';

export interface ReplayRunnerOptions {
  log: EventLog;
  replays: Replays;
  target: ReplayTarget;
  /** Events per publish (and per progress update). */
  batchSize: number;
  /** A running replay whose progress has not been recorded for this long is taken over by another process. */
  leaseMs: number;
  onProgress?: (replay: Replay, published: number) => void;
  onFinished?: (replay: Replay, outcome: { status: 'completed'; published: number } | { status: 'failed'; error: unknown; published: number }) => void;
}

/** Runs replays in the background of this process. */
export interface ReplayRunner {
  start(replay: Replay): void;
  /** Takes over replays left running by a process that stopped, and runs them again from their first position. */
  resumeStale(): Promise<Replay[]>;
  /** Stops after the batch in flight; unfinished replays stay `running` for another process to resume. */
  stop(): Promise<void>;
}

/**
 * Each replay reads its range in position order, publishes one batch at a time with publisher
 * confirms, and records its progress (which renews its lease) after every confirmed batch. A
 * replay resumed after a restart starts again from its first position: consumers de-duplicate
 * by event id, so publishing an event twice changes nothing.
 */
export function createReplayRunner(options: ReplayRunnerOptions): ReplayRunner {
  const running = new Set<Promise<void>>();
  let stopping = false;

  async function run(replay: Replay): Promise<void> {
    let published = 0;
    const renewal = setInterval(() => void options.replays.recordProgress(replay.id, published).catch(() => undefined), Math.max(50, Math.floor(options.leaseMs / 3)));
    try {
      const selector = parseEventSelector(replay.selector, '/body');
      let after = replay.fromPosition - 1;
      while (after < replay.toPosition) {
        if (stopping) return;
        const page = await readSelectedEvents(options.log, { tenantId: replay.tenantId, after, limit: options.batchSize, selector, until: replay.toPosition });
        if (page.items.length > 0) {
          await options.target.publish(replay.consumer, page.items, replay.id);
          published += page.items.length;
          await options.replays.recordProgress(replay.id, published);
          options.onProgress?.(replay, published);
        }
        after = page.lastPosition;
      }
      await options.replays.finish(replay.id, { status: 'completed' });
      options.onFinished?.(replay, { status: 'completed', published });
    } catch (error) {
      await options.replays.finish(replay.id, { status: 'failed', error: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
      options.onFinished?.(replay, { status: 'failed', error, published });
    } finally {
      clearInterval(renewal);
    }
  }

  function start(replay: Replay): void {
    if (stopping) return;
    const task = run(replay);
    running.add(task);
    void task.finally(() => running.delete(task));
  }

  return {
    start,
    async resumeStale() {
      if (stopping) return [];
      const claimed = await options.replays.claimStale(options.leaseMs);
      for (const replay of claimed) start(replay);
      return claimed;
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([...running]);
    },
  };
}
