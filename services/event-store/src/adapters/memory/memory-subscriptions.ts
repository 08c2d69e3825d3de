import type { Subscriptions } from '../../application/ports';
import type { Subscription } from '../../domain/subscription';

/** In-memory twin of Subscriptions. */
export function createMemorySubscriptions(now: () => Date = () => new Date()): Subscriptions {
  const byKey = new Map<string, Subscription>();
  const keyOf = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;
  const copy = (subscription: Subscription) => structuredClone(subscription);

  return {
    async create(subscription) {
      const key = keyOf(subscription.tenantId, subscription.name);
      const existing = byKey.get(key);
      if (existing) return { created: false, subscription: copy(existing) };
      const at = now().toISOString();
      const created: Subscription = { ...structuredClone(subscription), createdAt: at, updatedAt: at };
      byKey.set(key, created);
      return { created: true, subscription: copy(created) };
    },
    async get(tenantId, name) {
      const found = byKey.get(keyOf(tenantId, name));
      return found ? copy(found) : undefined;
    },
    async advance(tenantId, name, position) {
      const found = byKey.get(keyOf(tenantId, name));
      if (!found) return undefined;
      if (position > found.position) {
        found.position = position;
        found.updatedAt = now().toISOString();
      }
      return copy(found);
    },
    async remove(tenantId, name) {
      return byKey.delete(keyOf(tenantId, name));
    },
  };
}
