import type { EventSelectorSpec } from './event-selector';

/** Names of named consumers: they appear in URLs. */
export const SUBSCRIPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A named consumer of a tenant's log and its checkpoint: the last position it has processed. */
export interface Subscription {
  tenantId: string;
  name: string;
  selector: EventSelectorSpec;
  /** Events after this position are still to be read; it only ever grows. */
  position: number;
  createdAt: string;
  updatedAt: string;
}
