import type { EventLog, LogWatcher } from '../../application/ports';

/**
 * A LogWatcher that asks the log for its head every `intervalMs` while someone waits. The twin
 * used with the in-memory log, and the fallback of the PostgreSQL watcher.
 */
export function createPollingLogWatcher(log: Pick<EventLog, 'headPosition'>, intervalMs = 100): LogWatcher {
  return {
    async waitForAppend(after, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if ((await log.headPosition()) > after) return true;
        const remaining = deadline - Date.now();
        if (remaining <= 0 || signal?.aborted) return false;
        await pause(Math.min(intervalMs, remaining), signal);
      }
    },
  };
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
