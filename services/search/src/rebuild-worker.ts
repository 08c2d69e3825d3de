import type { Logger } from '@hexbase/observability';
import { runNextRebuild, type RebuildDeps, type RebuildOptions } from './application/run-rebuild';

export interface RebuildWorker {
  /** Looks for work now instead of at the next poll. */
  wake(): void;
  /** Lets the rebuild step in progress finish (its lease keeps it safe if the process dies instead). */
  stop(): Promise<void>;
}

/**
 * Runs rebuilds one after another in the background: polls for a claimable job every
 * `pollIntervalMs` (and at once when woken), and runs jobs back to back while there are any.
 */
export function startRebuildWorker(deps: RebuildDeps, options: RebuildOptions & { pollIntervalMs: number }, logger: Logger): RebuildWorker {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void tick(), delayMs);
  };

  async function tick(): Promise<void> {
    if (running || stopped) return;
    let more = false;
    running = (async () => {
      try {
        more = await runNextRebuild(deps, options);
      } catch (error) {
        logger.warn({ err: error }, 'a search index rebuild failed; it will be retried');
        more = true;
      }
    })();
    await running;
    running = undefined;
    schedule(more ? 0 : options.pollIntervalMs);
  }

  schedule(0);
  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
