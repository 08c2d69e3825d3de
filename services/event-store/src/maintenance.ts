import type { Logger } from '@hexbase/observability';
import type { Retention } from './application/ports';
import type { ReplayRunner } from './application/replay-runner';

export interface Maintenance {
  stop(): Promise<void>;
}

/**
 * The event store's background chores: a retention pass every `retentionIntervalMs`, and a look
 * for replays left running by a stopped process every `replaySweepMs` (and once at start).
 */
export function startMaintenance(deps: { retention: Retention; replayRunner: ReplayRunner; logger: Logger }, options: { retentionIntervalMs: number; replaySweepMs: number }): Maintenance {
  let current: Promise<void> = Promise.resolve();
  const chore = (name: string, work: () => Promise<void>) => () => {
    current = current.then(work).catch((error: unknown) => deps.logger.warn({ err: error, chore: name }, 'maintenance failed'));
  };
  const applyRetention = chore('retention', async () => {
    const outcome = await deps.retention.apply({ now: new Date() });
    if (outcome.eventsRemoved > 0) deps.logger.info(outcome, 'retention removed events');
  });
  const resumeReplays = chore('replays', async () => {
    for (const replay of await deps.replayRunner.resumeStale()) deps.logger.warn({ replayId: replay.id, consumer: replay.consumer }, 'resuming a replay left running by a stopped process, from its first position');
  });
  const timers = [setInterval(applyRetention, options.retentionIntervalMs), setInterval(resumeReplays, options.replaySweepMs)];
  resumeReplays();
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await current;
    },
  };
}
