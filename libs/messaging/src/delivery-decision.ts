import { RETRYABLE_KINDS, isHexbaseError, type ErrorKind } from '@hexbase/contracts';

/** Why a message is in a dead-letter queue. `delivery_limit` is the broker's doing (crashes, lost channels). */
export type DeadLetterReason = 'rejected' | 'retries_exhausted' | 'malformed' | 'delivery_limit';

/** What happened to one delivery. */
export type DeliveryOutcome = { kind: 'handled' } | { kind: 'failed'; error: unknown } | { kind: 'malformed'; problems: string[] };

export type DeliveryDecision =
  | { action: 'ack' }
  /** Republish to retry queue number `retry` (1-based), carrying attempt `nextAttempt`, then ack. */
  | { action: 'retry'; retry: number; nextAttempt: number }
  /** Republish to the dead-letter queue with the error recorded, then ack. */
  | { action: 'dead-letter'; reason: DeadLetterReason };

/**
 * The one place that turns a delivery's outcome into ack, retry or dead-letter.
 * Attempt `n` (1-based) that fails retryably goes to retry queue `n` while there is one; a
 * HexbaseError whose kind is not retryable and a malformed message skip the retries.
 */
export function decideDelivery(outcome: DeliveryOutcome, attempt: number, retryCount: number): DeliveryDecision {
  if (outcome.kind === 'handled') return { action: 'ack' };
  if (outcome.kind === 'malformed') return { action: 'dead-letter', reason: 'malformed' };
  if (isHexbaseError(outcome.error) && !RETRYABLE_KINDS.has(outcome.error.kind)) return { action: 'dead-letter', reason: 'rejected' };
  if (attempt <= retryCount) return { action: 'retry', retry: attempt, nextAttempt: attempt + 1 };
  return { action: 'dead-letter', reason: 'retries_exhausted' };
}

export interface ErrorSummary {
  code: string;
  kind: ErrorKind;
  message: string;
}

const MAX_MESSAGE_LENGTH = 1000;

/** What is recorded about a failure in the message's headers. */
export function summarizeFailure(outcome: Exclude<DeliveryOutcome, { kind: 'handled' }>): ErrorSummary {
  if (outcome.kind === 'malformed') {
    return { code: 'MALFORMED_EVENT', kind: 'validation', message: truncate(outcome.problems.join('; ')) };
  }
  const error = outcome.error;
  if (isHexbaseError(error)) return { code: error.code, kind: error.kind, message: truncate(error.message) };
  return { code: 'UNHANDLED_ERROR', kind: 'internal', message: truncate(error instanceof Error ? error.message : String(error)) };
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
