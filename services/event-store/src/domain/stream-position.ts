/** What an incoming event means for its stream, given the stream's current version (0 when new). */
export type IncomingEventFit =
  | { kind: 'next' }
  /** Events between the stream's version and this one have not arrived yet: apply them first. */
  | { kind: 'gap'; missingFrom: number }
  /** The stream already has an event at this version (another id): histories disagree. */
  | { kind: 'taken' };

export function fitIncomingEvent(currentVersion: number, eventVersion: number): IncomingEventFit {
  if (eventVersion === currentVersion + 1) return { kind: 'next' };
  if (eventVersion > currentVersion + 1) return { kind: 'gap', missingFrom: currentVersion + 1 };
  return { kind: 'taken' };
}
