import { describe, expect, it } from 'vitest';
import { HexbaseError } from '@hexbase/contracts';
import { decideDelivery, summarizeFailure } from './delivery-decision';

const failed = (error: unknown) => ({ kind: 'failed' as const, error });

describe('decideDelivery', () => {
  it('acks a handled message', () => {
    expect(decideDelivery({ kind: 'handled' }, 1, 3)).toEqual({ action: 'ack' });
  });

  it('sends a retryable failure to the retry queue of its attempt, carrying the next attempt', () => {
    expect(decideDelivery(failed(new Error('boom')), 1, 3)).toEqual({ action: 'retry', retry: 1, nextAttempt: 2 });
    expect(decideDelivery(failed(new HexbaseError('DB_DOWN', 'unavailable', 'down')), 3, 3)).toEqual({ action: 'retry', retry: 3, nextAttempt: 4 });
  });

  it('dead-letters after the last retry', () => {
    expect(decideDelivery(failed(new Error('boom')), 4, 3)).toEqual({ action: 'dead-letter', reason: 'retries_exhausted' });
    expect(decideDelivery(failed(new Error('boom')), 1, 0)).toEqual({ action: 'dead-letter', reason: 'retries_exhausted' });
  });

  it('dead-letters a non-retryable HexbaseError at once', () => {
    expect(decideDelivery(failed(new HexbaseError('BAD', 'validation', 'bad')), 1, 3)).toEqual({ action: 'dead-letter', reason: 'rejected' });
    expect(decideDelivery(failed(new HexbaseError('GONE', 'not_found', 'gone')), 1, 3)).toEqual({ action: 'dead-letter', reason: 'rejected' });
  });

  it('retries the retryable kinds, conflict included', () => {
    expect(decideDelivery(failed(new HexbaseError('GAP', 'conflict', 'gap')), 1, 2).action).toBe('retry');
  });

  it('dead-letters a malformed message at once', () => {
    expect(decideDelivery({ kind: 'malformed', problems: ['id must be a non-empty string'] }, 1, 3)).toEqual({ action: 'dead-letter', reason: 'malformed' });
  });
});

describe('summarizeFailure', () => {
  it('keeps code and kind of a HexbaseError and names anything else an unhandled internal error', () => {
    expect(summarizeFailure(failed(new HexbaseError('DB_DOWN', 'unavailable', 'down')))).toEqual({ code: 'DB_DOWN', kind: 'unavailable', message: 'down' });
    expect(summarizeFailure(failed('just a string'))).toEqual({ code: 'UNHANDLED_ERROR', kind: 'internal', message: 'just a string' });
    expect(summarizeFailure(failed(new Error('x'.repeat(5000)))).message.length).toBeLessThanOrEqual(1000);
  });
});
