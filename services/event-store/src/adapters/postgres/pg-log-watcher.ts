import type pg from 'pg';
import type { LogWatcher } from '../../application/ports';
import { OUTBOX_CHANNEL } from './pg-outbox';

/** The channel the intake's appends notify on commit (appendInTransaction in pg-event-log.ts). */
export const LOG_APPENDED_CHANNEL = 'event_store_appended';

/** Direct appends notify the outbox relay's channel in their transaction: that is a log append too. */
const CHANNELS = [LOG_APPENDED_CHANNEL, OUTBOX_CHANNEL];

export interface PgLogWatcherOptions {
  /** How often the head is read while someone waits, in case a notification is missed (a dropped LISTEN connection). */
  pollIntervalMs: number;
  /** Told when the LISTEN connection fails; it is opened again after `pollIntervalMs`. */
  onListenError?: (error: unknown) => void;
}

export interface PgLogWatcher extends LogWatcher {
  /** Wakes every waiter (with false) and releases the LISTEN connection. */
  close(): Promise<void>;
}

interface Waiter {
  after: number;
  wake: (grew: boolean) => void;
}

/**
 * Waits for appends with PostgreSQL LISTEN (both channels) on one connection of the pool, shared by every waiter
 * of the process. A notification only says "the log grew": the watcher reads the head once per
 * burst and wakes the waiters it passed. While anyone waits the head is also read every
 * `pollIntervalMs`, so a lost notification delays a reader by at most that long.
 */
export function createPgLogWatcher(pool: pg.Pool, options: PgLogWatcherOptions): PgLogWatcher {
  const waiters = new Set<Waiter>();
  let listener: pg.PoolClient | undefined;
  let closed = false;
  let reading: Promise<void> | undefined;
  let readAgain = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const poller = setInterval(() => {
    if (waiters.size > 0) void refresh();
  }, options.pollIntervalMs);
  poller.unref();

  async function readHead(): Promise<void> {
    const { rows } = await pool.query<{ position: string }>('SELECT position FROM log_head WHERE id = 1');
    const head = Number(rows[0]?.position ?? 0);
    for (const waiter of waiters) {
      if (head > waiter.after) {
        waiters.delete(waiter);
        waiter.wake(true);
      }
    }
  }

  /** One head read at a time; a wake-up during a read causes one more read after it. */
  function refresh(): Promise<void> {
    if (reading) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          readAgain = false;
          await readHead();
        } while (readAgain && waiters.size > 0);
      } catch {
        // The poller tries again.
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  }

  async function listen(): Promise<void> {
    if (closed) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      const connected = client;
      connected.on('notification', () => void refresh());
      connected.on('error', (error) => dropListener(connected, error));
      for (const channel of CHANNELS) await connected.query(`LISTEN ${channel}`);
      if (closed) return connected.release(true);
      listener = connected;
      // Appends committed before LISTEN took effect sent no notification to this connection.
      void refresh();
    } catch (error) {
      if (client) dropListener(client, error);
      else scheduleListen(error);
    }
  }

  function dropListener(client: pg.PoolClient, error: unknown): void {
    if (listener === client) listener = undefined;
    client.removeAllListeners('notification');
    try {
      client.release(error instanceof Error ? error : true);
    } catch {
      // Already released.
    }
    scheduleListen(error);
  }

  function scheduleListen(error: unknown): void {
    if (closed) return;
    options.onListenError?.(error);
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => void listen(), options.pollIntervalMs);
    reconnectTimer.unref();
  }

  void listen();

  return {
    waitForAppend(after, timeoutMs, signal) {
      return new Promise<boolean>((resolve) => {
        if (closed || signal?.aborted) return resolve(false);
        const finish = (grew: boolean) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiters.delete(waiter);
          resolve(grew);
        };
        const waiter: Waiter = { after, wake: finish };
        const onAbort = () => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.add(waiter);
        void refresh();
      });
    },
    async close() {
      closed = true;
      clearInterval(poller);
      clearTimeout(reconnectTimer);
      for (const waiter of [...waiters]) waiter.wake(false);
      const client = listener;
      listener = undefined;
      if (client) {
        await client.query('UNLISTEN *').catch(() => undefined);
        client.release();
      }
    },
  };
}
