import type { Clock, IdGenerator } from '@hexbase/ports';
import type { Collections, RecordHistory, RecordStore, SchemaValidator } from './ports';

/** Everything the records use cases need, wired in main.ts (or a test). */
export interface RecordsDeps {
  collections: Collections;
  records: RecordStore;
  validator: SchemaValidator;
  ids: IdGenerator;
  clock: Clock;
  /** Earlier versions of records (asOf, atVersion, history, revert); those answer 501 without it. */
  history?: RecordHistory;
}
