import type { EventEnvelope } from '@hexbase/contracts';
import type { EventLog } from './ports';
import { takeSnapshotIfDue, type TimeTravelDeps } from './rebuild-record';

/**
 * The log as the intake appends to it, taking a snapshot of a record stream once it has grown by
 * `every` events since its last one (0: never). A snapshot is only a shortcut, so one that fails
 * is reported and skipped: the append stands, and the next event of the stream tries again.
 */
export function snapshotAfterAppends(log: EventLog, deps: TimeTravelDeps, every: number, onError: (error: unknown, event: EventEnvelope) => void): EventLog {
  if (every <= 0) return log;
  return {
    ...log,
    async append(event) {
      const outcome = await log.append(event);
      if (outcome.kind === 'appended') await takeSnapshotIfDue(deps, every, event).catch((error: unknown) => onError(error, event));
      return outcome;
    },
  };
}
