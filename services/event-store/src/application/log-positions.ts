import { HexbaseError } from '@hexbase/contracts';
import type { EventLog } from './ports';

/** Refuses a position the log has not reached yet (409 POSITION_AHEAD_OF_LOG, naming the field); returns the head. */
export async function requireReachedPosition(log: EventLog, position: number, field: string): Promise<number> {
  const head = await log.headPosition();
  if (position > head) {
    throw new HexbaseError('POSITION_AHEAD_OF_LOG', 'conflict', `position ${position} is ahead of the log, whose last position is ${head}`, [{ field, rule: 'maximum', message: `must be at most ${head}, the last position of the log` }], { headPosition: head });
  }
  return head;
}
