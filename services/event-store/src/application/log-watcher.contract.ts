import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testEvent } from './event-log.contract';
import type { EventLog, LogWatcher } from './ports';

/** The behaviour every LogWatcher must have, over the log it watches. */
export function logWatcherContract(name: string, setup: () => Promise<{ log: EventLog; watcher: LogWatcher }>): void {
  describe(`LogWatcher contract: ${name}`, () => {
    const append = (log: EventLog) => log.append(testEvent({ id: randomUUID(), streamid: `watched/${randomUUID()}`, subject: 'watched/1' }));

    it('answers at once when the log is already past the position', async () => {
      const { log, watcher } = await setup();
      await append(log);
      expect(await watcher.waitForAppend((await log.headPosition()) - 1, 60_000)).toBe(true);
    });

    it('wakes a waiter when an event is appended', async () => {
      const { log, watcher } = await setup();
      const head = await log.headPosition();
      const waiting = watcher.waitForAppend(head, 60_000);
      await append(log);
      expect(await waiting).toBe(true);
    });

    it('answers false when the time is up or the wait is aborted first', async () => {
      const { log, watcher } = await setup();
      const head = await log.headPosition();
      expect(await watcher.waitForAppend(head, 50)).toBe(false);
      const abort = new AbortController();
      const waiting = watcher.waitForAppend(head, 60_000, abort.signal);
      abort.abort();
      expect(await waiting).toBe(false);
    });
  });
}
