/**
 * What a writer expects of a stream before its batch is appended:
 * `any` (no check), `no_stream` (no event yet), `exists` (at least one event), or the exact
 * version of the stream's last event (0 is the same as `no_stream`).
 */
export type ExpectedVersion = 'any' | 'no_stream' | 'exists' | number;

export function expectedVersionHolds(expected: ExpectedVersion, currentVersion: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return currentVersion === 0;
    case 'exists':
      return currentVersion > 0;
    default:
      return currentVersion === expected;
  }
}
