import { notFound } from '@hexbase/contracts';
import type { Subscription } from '../domain/subscription';
import { requireReachedPosition } from './log-positions';
import type { EventLog, Subscriptions } from './ports';

/**
 * Moves a named consumer's checkpoint to `position`. An older position (a repeated or late
 * acknowledgement) changes nothing; a position the log has not reached is refused.
 */
export async function acknowledgeEvents(log: EventLog, subscriptions: Subscriptions, input: { tenantId: string; name: string; position: number }): Promise<Subscription> {
  if (!(await subscriptions.get(input.tenantId, input.name))) throw notFound('SUBSCRIPTION_NOT_FOUND', `no subscription named ${input.name}`);
  await requireReachedPosition(log, input.position, '/body/position');
  const subscription = await subscriptions.advance(input.tenantId, input.name, input.position);
  if (!subscription) throw notFound('SUBSCRIPTION_NOT_FOUND', `no subscription named ${input.name}`);
  return subscription;
}
