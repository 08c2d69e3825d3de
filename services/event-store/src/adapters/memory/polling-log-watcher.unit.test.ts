import { logWatcherContract } from '../../application/log-watcher.contract';
import { createMemoryEventLog } from './memory-event-log';
import { createPollingLogWatcher } from './polling-log-watcher';

logWatcherContract('polling, over the in-memory log', async () => {
  const log = createMemoryEventLog();
  return { log, watcher: createPollingLogWatcher(log, 5) };
});
