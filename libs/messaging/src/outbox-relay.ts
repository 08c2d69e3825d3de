import type { EventPublisher, OutboxRelayStore, OutboxWakeups } from '@hexbase/ports';

export interface RelayOptions {
  batchSize: number;
  /** Poll this often even without a wake-up: notifications can be missed while reconnecting. */
  pollIntervalMs: number;
  /** Wait after a failed publish, doubling up to maxBackoffMs, before trying again. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface RelayObserver {
  onPublished?(count: number): void;
  onError?(error: unknown, backoffMs: number): void;
}

export interface RelayDeps {
  outbox: OutboxRelayStore;
  publisher: EventPublisher;
  wakeups: OutboxWakeups;
}

/**
 * Moves events from the outbox to the broker until `signal` aborts: drains whole batches while
 * there is work, then sleeps until a wake-up or the poll interval. A failed publish leaves the
 * batch in the outbox and is retried after a growing back-off, so a broker outage loses nothing.
 * Resolves once the batch in hand is finished after the abort.
 */
export async function relayOutbox(deps: RelayDeps, options: RelayOptions, signal: AbortSignal, observer: RelayObserver = {}): Promise<void> {
  const doorbell = new Doorbell(signal);
  const stopListening = await deps.wakeups.listen(() => doorbell.ring()).catch(() => async () => undefined);
  let backoffMs = options.initialBackoffMs;
  try {
    while (!signal.aborted) {
      doorbell.reset();
      let published: number;
      try {
        published = await deps.outbox.relayBatch(options.batchSize, (events) => deps.publisher.publish(events));
        backoffMs = options.initialBackoffMs;
      } catch (error) {
        observer.onError?.(error, backoffMs);
        await delay(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs);
        continue;
      }
      if (published > 0) observer.onPublished?.(published);
      if (published < options.batchSize) await doorbell.wait(options.pollIntervalMs);
    }
  } finally {
    await stopListening();
  }
}

/** Remembers a ring between `reset` and `wait`, so a wake-up that comes while a batch runs is not lost. */
class Doorbell {
  private rung = false;
  private waiter: (() => void) | undefined;

  constructor(signal: AbortSignal) {
    signal.addEventListener('abort', () => this.ring(), { once: true });
  }

  ring(): void {
    this.rung = true;
    this.waiter?.();
  }

  reset(): void {
    this.rung = false;
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.rung) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiter = done;
    });
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    }
  });
}
