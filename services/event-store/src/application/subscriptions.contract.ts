import { describe, expect, it } from 'vitest';
import type { Subscriptions } from './ports';

let counter = 0;
const uniqueTenant = () => `sub-tenant-${Date.now().toString(36)}-${(counter += 1)}`;

/** The behaviour every Subscriptions adapter must have: run against the in-memory twin and PostgreSQL. */
export function subscriptionsContract(name: string, setup: () => Promise<Subscriptions>): void {
  describe(`Subscriptions contract: ${name}`, () => {
    it('creates a subscription once and hands back the existing one, unchanged, afterwards', async () => {
      const subscriptions = await setup();
      const tenantId = uniqueTenant();
      const first = await subscriptions.create({ tenantId, name: 'search', selector: { types: ['record.created'] }, position: 3 });
      expect(first).toMatchObject({ created: true, subscription: { tenantId, name: 'search', selector: { types: ['record.created'] }, position: 3 } });
      const again = await subscriptions.create({ tenantId, name: 'search', selector: { collection: 'orders' }, position: 9 });
      expect(again).toMatchObject({ created: false, subscription: { selector: { types: ['record.created'] }, position: 3 } });
    });

    it('moves a checkpoint forwards only', async () => {
      const subscriptions = await setup();
      const tenantId = uniqueTenant();
      await subscriptions.create({ tenantId, name: 'mailer', selector: {}, position: 0 });
      expect((await subscriptions.advance(tenantId, 'mailer', 7))?.position).toBe(7);
      expect((await subscriptions.advance(tenantId, 'mailer', 4))?.position).toBe(7);
      expect((await subscriptions.get(tenantId, 'mailer'))?.position).toBe(7);
      const concurrent = await Promise.all([5, 12, 9, 11].map((position) => subscriptions.advance(tenantId, 'mailer', position)));
      expect(concurrent.every((subscription) => subscription!.position >= 7)).toBe(true);
      expect((await subscriptions.get(tenantId, 'mailer'))?.position).toBe(12);
    });

    it('keeps each tenant to its own subscriptions', async () => {
      const subscriptions = await setup();
      const [owner, other] = [uniqueTenant(), uniqueTenant()];
      await subscriptions.create({ tenantId: owner, name: 'audit', selector: {}, position: 0 });
      expect(await subscriptions.get(other, 'audit')).toBeUndefined();
      expect(await subscriptions.advance(other, 'audit', 1)).toBeUndefined();
      expect(await subscriptions.remove(other, 'audit')).toBe(false);
      expect(await subscriptions.remove(owner, 'audit')).toBe(true);
      expect(await subscriptions.get(owner, 'audit')).toBeUndefined();
    });
  });
}
