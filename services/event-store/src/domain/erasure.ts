/** Which events an erasure empties: those of the listed streams, those whose data holds `value` at `field`, or both at once. */
export interface ErasureSelector {
  streams?: string[];
  /** A path into the envelope's data, as given: `data.data.email`. */
  field?: string;
  value?: string | number | boolean;
}

/** What an erased event's data becomes. Its id, type, time, stream, version and position stay. */
export const ERASED_DATA = { erased: true } as const;

/** The path of `field` inside the event's `data` (`data.data.email` -> `['data', 'email']`). */
export function dataPathOf(field: string): string[] {
  return field.split('.').slice(1);
}
