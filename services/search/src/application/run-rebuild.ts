import { HexbaseError } from '@hexbase/contracts';
import { indexChangeOf, type RecordChange } from '../domain/index-change';
import type { EventHistory, GenerationBuilder, RebuildJob, Rebuilds } from './ports';

export interface RebuildDeps {
  rebuilds: Rebuilds;
  builder: GenerationBuilder;
  history: EventHistory;
}

export interface RebuildOptions {
  owner: string;
  leaseMs: number;
  /** Events read, or documents copied, per transaction. */
  batchSize: number;
}

/**
 * Claims the next rebuild, if any, fills its generation (from the event store, or from the active
 * generation for a settings change), and swaps it in. A failure gives the job back to be retried
 * later and is rethrown. Resolves true when there was a job.
 *
 * Nothing is lost while it runs: live events are applied to the new generation as well as the old
 * one from the moment it is claimed, and the swap brings over whatever the old generation holds
 * at a newer version than the new one (an event the event store had not received yet).
 */
export async function runNextRebuild(deps: RebuildDeps, options: RebuildOptions): Promise<boolean> {
  const job = await deps.rebuilds.claim(options.owner, options.leaseMs);
  if (!job) return false;
  try {
    if (job.source === 'event-store') await replayEventStore(deps, job, options.batchSize);
    else while (await deps.builder.copyFromActive(job, options.batchSize));
    await deps.builder.swapIn(job);
  } catch (error) {
    await deps.rebuilds.release(job, error).catch(() => undefined);
    throw error;
  }
  return true;
}

async function replayEventStore(deps: RebuildDeps, job: RebuildJob, batchSize: number): Promise<void> {
  let after = Number(job.checkpoint ?? 0);
  for (;;) {
    const page = await deps.history.readCollectionEvents(job.tenantId, job.collection, after, batchSize);
    const changes = page.events.flatMap((event) => recordChangeIn(event, job.collection));
    await deps.builder.apply(job, changes, String(page.lastPosition), page.events.length);
    after = page.lastPosition;
    if (page.events.length < batchSize) return;
  }
}

/** A malformed event was dead-lettered when it came by; a replay skips it the same way. */
function recordChangeIn(event: Parameters<typeof indexChangeOf>[0], collection: string): RecordChange[] {
  try {
    const change = indexChangeOf(event);
    return change?.kind === 'record' && change.change.collection === collection ? [change.change] : [];
  } catch (error) {
    if (error instanceof HexbaseError && error.code === 'MALFORMED_EVENT') return [];
    throw error;
  }
}
