import type { EventSelectorSpec } from './event-selector';

export type ReplayStatus = 'running' | 'completed' | 'failed';

/** A re-publication of a range of the log (both ends included) to one consumer's queue. */
export interface Replay {
  id: string;
  tenantId: string;
  /** The consumer's queue. */
  consumer: string;
  selector: EventSelectorSpec;
  fromPosition: number;
  toPosition: number;
  /** Selected events in the range when the replay started. */
  total: number;
  published: number;
  status: ReplayStatus;
  error?: string;
  createdAt: string;
  updatedAt: string;
}
