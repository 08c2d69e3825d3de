import type { EventEnvelope } from '@hexbase/contracts';
import { indexChangeOf } from '../domain/index-change';
import type { ApplyOutcome, IndexUpdates } from './ports';

/**
 * Applies one event from the bus to the index: record events change a document, collection
 * events the settings. Other events are acknowledged and ignored. A malformed payload throws
 * MALFORMED_EVENT (dead-lettered); anything else that throws is retried.
 */
export async function indexEvent(updates: IndexUpdates, event: EventEnvelope): Promise<ApplyOutcome | 'ignored'> {
  const change = indexChangeOf(event);
  if (!change) return 'ignored';
  return change.kind === 'record' ? updates.applyRecordChange(change.change) : updates.applySettings(change.change);
}
