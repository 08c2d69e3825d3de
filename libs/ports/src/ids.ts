/** Generates identifiers for records and events: UUIDv7, unique and roughly ordered by creation time. */
export interface IdGenerator {
  next(): string;
}
