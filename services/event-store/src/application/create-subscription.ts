import { HexbaseError } from '@hexbase/contracts';
import type { EventSelectorSpec } from '../domain/event-selector';
import type { Subscription } from '../domain/subscription';
import { requireReachedPosition } from './log-positions';
import { normalizeSelectorSpec, parseEventSelector } from './parse-event-selector';
import type { EventLog, Subscriptions } from './ports';

export interface NewSubscription {
  tenantId: string;
  name: string;
  selector: EventSelectorSpec;
  /** Read events after this position; `head`: only events appended from now on. */
  startPosition: number | 'head';
}

/**
 * Creates a named consumer. Asking again with the same selection is answered with the existing
 * subscription, its checkpoint untouched; another selection under the same name is a conflict
 * (delete it first), so a checkpoint never silently changes meaning or moves backwards.
 */
export async function createSubscription(log: EventLog, subscriptions: Subscriptions, input: NewSubscription): Promise<{ created: boolean; subscription: Subscription }> {
  const selector = parseEventSelector(input.selector, '/body');
  const position = input.startPosition === 'head' ? await log.headPosition() : input.startPosition;
  if (input.startPosition !== 'head') await requireReachedPosition(log, position, '/body/startPosition');
  const outcome = await subscriptions.create({ tenantId: input.tenantId, name: input.name, selector: selector.spec, position });
  if (!outcome.created && JSON.stringify(normalizeSelectorSpec(outcome.subscription.selector)) !== JSON.stringify(selector.spec)) {
    throw new HexbaseError('SUBSCRIPTION_EXISTS', 'conflict', `subscription ${input.name} exists with another selection; delete it to change it`, [], { selector: outcome.subscription.selector });
  }
  return outcome;
}
