import { envelopeProblems, type EventEnvelope } from '@hexbase/contracts';

/** Parses a message body as a CloudEvents JSON envelope; returns the problems when it is not one. */
export function decodeEnvelope(body: Buffer): { event: EventEnvelope; problems?: undefined } | { event?: undefined; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { problems: ['body is not valid JSON'] };
  }
  const problems = envelopeProblems(value);
  return problems.length > 0 ? { problems } : { event: value as EventEnvelope };
}
