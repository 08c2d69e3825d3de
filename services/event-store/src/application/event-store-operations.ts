import type { Erasures, LogWatcher, Replays, ReplayTarget, Retention, StreamLifecycle, Subscriptions } from './ports';
import type { ReplayRunner } from './replay-runner';

/** What following the log, named subscriptions, replay, retention, erasure and stream deletion run on. */
export interface EventStoreOperations {
  watcher: LogWatcher;
  subscriptions: Subscriptions;
  replays: Replays;
  replayTarget: ReplayTarget;
  replayRunner: ReplayRunner;
  retention: Retention;
  erasures: Erasures;
  streams: StreamLifecycle;
  newId: () => string;
}
