import type { EventEnvelope } from '@hexbase/contracts';
import type { StoredEvent } from '../domain/stored-event';

export type AppendOutcome = { kind: 'appended'; position: number } | { kind: 'duplicate' } | { kind: 'gap'; currentVersion: number } | { kind: 'taken'; currentVersion: number };

export interface LogQuery {
  tenantId: string;
  /** Return events with a position strictly greater than this (0: from the start). */
  after: number;
  limit: number;
  types?: string[];
  streamPrefix?: string;
}

/**
 * The event log.
 * Guarantees:
 * - `append` is idempotent by event id (`duplicate`, nothing written), appends only the next
 *   version of a stream (`gap` / `taken` otherwise, nothing written), and gives each appended
 *   event the next global position. Positions are contiguous and become visible in order: once a
 *   reader sees position n, every position below n is visible too.
 * - Reads are scoped to one tenant; a stream or log read never returns another tenant's events.
 */
export interface EventLog {
  append(event: EventEnvelope): Promise<AppendOutcome>;
  readStream(tenantId: string, streamId: string, fromVersion: number, limit: number): Promise<StoredEvent[]>;
  readLog(query: LogQuery): Promise<StoredEvent[]>;
  headPosition(): Promise<number>;
}
