import { notFound } from '@hexbase/contracts';
import type { Subscription } from '../domain/subscription';
import { waitForSelectedEvents } from './follow-log';
import { parseEventSelector } from './parse-event-selector';
import type { EventLog, LogWatcher, Subscriptions } from './ports';
import type { SelectedEventsPage } from './read-selected-events';

export async function requireSubscription(subscriptions: Subscriptions, tenantId: string, name: string): Promise<Subscription> {
  const subscription = await subscriptions.get(tenantId, name);
  if (!subscription) throw notFound('SUBSCRIPTION_NOT_FOUND', `no subscription named ${name}`);
  return subscription;
}

/**
 * The next events of a named consumer, after its checkpoint. Reading does not move the
 * checkpoint: the consumer acknowledges what it has processed, so a crash before the
 * acknowledgement reads the same events again.
 */
export async function readSubscriptionEvents(
  deps: { log: EventLog; watcher: LogWatcher; subscriptions: Subscriptions },
  input: { tenantId: string; name: string; limit: number; waitMs: number; signal?: AbortSignal },
): Promise<SelectedEventsPage & { subscription: Subscription }> {
  const subscription = await requireSubscription(deps.subscriptions, input.tenantId, input.name);
  const selector = parseEventSelector(subscription.selector, '/body');
  const page = await waitForSelectedEvents(deps.log, deps.watcher, { tenantId: input.tenantId, after: subscription.position, limit: input.limit, selector }, input.waitMs, input.signal);
  return { ...page, subscription };
}
