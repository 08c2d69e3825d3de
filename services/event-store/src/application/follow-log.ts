import type { EventLog, LogWatcher } from './ports';
import { readSelectedEvents, type SelectedEventsPage, type SelectedEventsQuery } from './read-selected-events';

/** Longest a long-poll may wait, in seconds. */
export const MAX_WAIT_SECONDS = 30;

/**
 * Long-poll: the next selected events after `query.after`, at once when there are some, otherwise
 * as soon as one is appended, or an empty page once `waitMs` has passed or `signal` aborted.
 */
export async function waitForSelectedEvents(log: EventLog, watcher: LogWatcher, query: SelectedEventsQuery, waitMs: number, signal?: AbortSignal): Promise<SelectedEventsPage> {
  const deadline = Date.now() + waitMs;
  let page = await readSelectedEvents(log, query);
  for (;;) {
    const remaining = deadline - Date.now();
    if (page.items.length > 0 || remaining <= 0 || signal?.aborted) return page;
    const grew = await watcher.waitForAppend(page.lastPosition, remaining, signal);
    if (!grew) return page;
    page = await readSelectedEvents(log, { ...query, after: page.lastPosition });
  }
}
