import { HexbaseError, validationError } from '@hexbase/contracts';
import type { EventSelectorSpec } from '../domain/event-selector';
import type { Replay } from '../domain/replay';
import { requireReachedPosition } from './log-positions';
import { parseEventSelector } from './parse-event-selector';
import type { EventLog, Replays, ReplayTarget } from './ports';
import { readSelectedEvents } from './read-selected-events';
import type { ReplayRunner } from './replay-runner';

export interface ReplayRequest {
  tenantId: string;
  /** The queue of the consumer to replay to, e.g. `hexbase.search`. */
  consumer: string;
  fromPosition: number;
  /** Included; the head of the log when omitted. */
  toPosition?: number;
  selector: EventSelectorSpec;
}

/**
 * Starts re-publishing a range of a tenant's log (the selected events only) to one consumer's
 * queue, in the background, and returns the replay with its total. The queue must exist: a replay
 * never creates one.
 */
export async function startReplay(deps: { log: EventLog; replays: Replays; target: ReplayTarget; runner: ReplayRunner; newId: () => string }, request: ReplayRequest): Promise<Replay> {
  const selector = parseEventSelector(request.selector, '/body');
  const head = request.toPosition === undefined ? await deps.log.headPosition() : await requireReachedPosition(deps.log, request.toPosition, '/body/toPosition');
  const toPosition = request.toPosition ?? head;
  if (request.fromPosition > toPosition) {
    throw validationError('INVALID_REPLAY_RANGE', `fromPosition ${request.fromPosition} is after toPosition ${toPosition}`, [
      { field: '/body/fromPosition', rule: 'maximum', message: `must be at most toPosition (${toPosition})` },
    ]);
  }
  if (!(await deps.target.queueExists(request.consumer))) {
    throw new HexbaseError('CONSUMER_QUEUE_NOT_FOUND', 'not_found', `no queue named ${request.consumer} on the broker`, [{ field: '/body/consumer', rule: 'exists', message: 'must be the queue of an existing consumer' }]);
  }
  let total = 0;
  for (let after = request.fromPosition - 1; after < toPosition; ) {
    const page = await readSelectedEvents(deps.log, { tenantId: request.tenantId, after, limit: 1000, selector, until: toPosition });
    total += page.items.length;
    after = page.lastPosition;
  }
  const replay = await deps.replays.create({ id: deps.newId(), tenantId: request.tenantId, consumer: request.consumer, selector: selector.spec, fromPosition: request.fromPosition, toPosition, total });
  deps.runner.start(replay);
  return replay;
}
