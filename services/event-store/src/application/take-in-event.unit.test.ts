import { describe, expect, it } from 'vitest';
import { RETRYABLE_KINDS } from '@hexbase/contracts';
import { createMemoryEventLog } from '../adapters/memory/memory-event-log';
import { testEvent } from './event-log.contract';
import { takeInEvent } from './take-in-event';

describe('taking in an event from the bus', () => {
  it('appends it once, however often it is delivered', async () => {
    const log = createMemoryEventLog();
    const event = testEvent({ streamid: 's/1', subject: 's/1' });
    await takeInEvent(log, event);
    await takeInEvent(log, event);
    expect(await log.readStream('t1', 's/1', 1, 10)).toHaveLength(1);
  });

  it('asks for a retry when the event arrives before the versions it follows', async () => {
    const log = createMemoryEventLog();
    const early = testEvent({ streamid: 's/2', subject: 's/2', streamversion: 2 });
    const error = await takeInEvent(log, early).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STREAM_GAP' });
    expect(RETRYABLE_KINDS.has((error as { kind: 'conflict' }).kind)).toBe(true);
    await takeInEvent(log, testEvent({ streamid: 's/2', subject: 's/2', streamversion: 1 }));
    await takeInEvent(log, early);
    expect((await log.readStream('t1', 's/2', 1, 10)).map((stored) => stored.event.streamversion)).toEqual([1, 2]);
  });

  it('refuses, without retrying, an event that contradicts the stored history', async () => {
    const log = createMemoryEventLog();
    await takeInEvent(log, testEvent({ streamid: 's/3', subject: 's/3' }));
    const error = await takeInEvent(log, testEvent({ streamid: 's/3', subject: 's/3' })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STREAM_VERSION_TAKEN' });
    expect(RETRYABLE_KINDS.has((error as { kind: 'validation' }).kind)).toBe(false);
  });
});
