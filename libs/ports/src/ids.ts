import { v7 } from 'uuid';

/** Generates identifiers for records and events: UUIDv7, unique and roughly ordered by creation time. */
export interface IdGenerator {
  next(): string;
}

/** UUIDv7 ids from the `uuid` package (RFC 9562): time-ordered, so new rows append to indexes. */
export const uuidV7Ids: IdGenerator = { next: () => v7() };
