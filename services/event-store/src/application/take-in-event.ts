import { HexbaseError, type EventEnvelope } from '@hexbase/contracts';
import type { EventLog } from './ports';

/**
 * Takes in one event from the bus. A redelivery changes nothing. An event that arrives before
 * the versions it follows is retried later (retryable conflict) rather than applied out of order;
 * one that contradicts the stored history is dead-lettered for an operator to look at.
 */
export async function takeInEvent(log: EventLog, event: EventEnvelope): Promise<void> {
  const outcome = await log.append(event);
  if (outcome.kind === 'gap') {
    throw new HexbaseError('STREAM_GAP', 'conflict', `stream ${event.streamid} is at version ${outcome.currentVersion}; event ${event.id} has version ${event.streamversion}`);
  }
  if (outcome.kind === 'taken') {
    throw new HexbaseError('STREAM_VERSION_TAKEN', 'validation', `stream ${event.streamid} already holds version ${event.streamversion} with another event than ${event.id}`);
  }
}
