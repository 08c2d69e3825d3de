import type pg from 'pg';
import type { Subscriptions } from '../../application/ports';
import type { EventSelectorSpec } from '../../domain/event-selector';
import type { Subscription } from '../../domain/subscription';

interface SubscriptionRow {
  tenant_id: string;
  name: string;
  position: string;
  filter: EventSelectorSpec;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'tenant_id, name, position, filter, created_at, updated_at';

const toSubscription = (row: SubscriptionRow): Subscription => ({
  tenantId: row.tenant_id,
  name: row.name,
  selector: row.filter,
  position: Number(row.position),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Named consumers in `event_store.subscriptions`; the checkpoint moves with `GREATEST`, in one statement. */
export function createPgSubscriptions(pool: pg.Pool): Subscriptions {
  async function get(tenantId: string, name: string): Promise<Subscription | undefined> {
    const { rows } = await pool.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
    return rows[0] ? toSubscription(rows[0]) : undefined;
  }

  const subscriptions: Subscriptions = {
    async create(subscription) {
      const inserted = await pool.query<SubscriptionRow>(
        `INSERT INTO subscriptions (tenant_id, name, position, filter) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${COLUMNS}`,
        [subscription.tenantId, subscription.name, subscription.position, JSON.stringify(subscription.selector)],
      );
      if (inserted.rows[0]) return { created: true, subscription: toSubscription(inserted.rows[0]) };
      const existing = await get(subscription.tenantId, subscription.name);
      // Deleted between the two statements: try once more.
      return existing ? { created: false, subscription: existing } : subscriptions.create(subscription);
    },
    get,
    async advance(tenantId, name, position) {
      const { rows } = await pool.query<SubscriptionRow>(
        `UPDATE subscriptions SET position = GREATEST(position, $3), updated_at = CASE WHEN $3 > position THEN now() ELSE updated_at END
         WHERE tenant_id = $1 AND name = $2 RETURNING ${COLUMNS}`,
        [tenantId, name, position],
      );
      return rows[0] ? toSubscription(rows[0]) : undefined;
    },
    async remove(tenantId, name) {
      const { rowCount } = await pool.query('DELETE FROM subscriptions WHERE tenant_id = $1 AND name = $2', [tenantId, name]);
      return (rowCount ?? 0) > 0;
    },
  };
  return subscriptions;
}
