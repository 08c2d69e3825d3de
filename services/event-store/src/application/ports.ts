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

// Following the log, replay, retention and erasure.
import type { ErasureSelector } from '../domain/erasure';
import type { EventSelectorSpec } from '../domain/event-selector';
import type { Replay } from '../domain/replay';
import type { RetentionPolicy, RetentionScope } from '../domain/retention-policy';
import type { StreamState } from '../domain/stream-state';
import type { Subscription } from '../domain/subscription';

/**
 * Tells a reader when the log has grown, so a follower can wait instead of polling.
 * Guarantee: `waitForAppend` resolves `true` once the head position is above `after` (at once if
 * it already is), and `false` when `timeoutMs` passes or `signal` aborts first. It may wake late
 * (by at most its poll interval) but never reports growth that has not happened.
 */
export interface LogWatcher {
  waitForAppend(after: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
}

/**
 * Named consumers and their checkpoints, per tenant.
 * Guarantees: `create` never replaces an existing subscription (it returns it with `created: false`);
 * `advance` moves the checkpoint to the greater of the current one and `position`, atomically, so it
 * never moves backwards; `get`, `advance` and `remove` answer undefined / false for an unknown name
 * or another tenant's.
 */
export interface Subscriptions {
  create(subscription: { tenantId: string; name: string; selector: EventSelectorSpec; position: number }): Promise<{ created: boolean; subscription: Subscription }>;
  get(tenantId: string, name: string): Promise<Subscription | undefined>;
  advance(tenantId: string, name: string, position: number): Promise<Subscription | undefined>;
  remove(tenantId: string, name: string): Promise<boolean>;
}

/**
 * Replays and their progress. A running replay holds a lease: its `updatedAt`, renewed by every
 * `recordProgress`. Guarantees: `claimStale` hands each running replay whose lease is older than
 * `staleMs` to exactly one caller (concurrent callers never both get it), with its progress reset
 * to 0 and its lease renewed; `get` is scoped to a tenant.
 */
export interface Replays {
  create(replay: Omit<Replay, 'published' | 'status' | 'createdAt' | 'updatedAt' | 'error'>): Promise<Replay>;
  get(tenantId: string, id: string): Promise<Replay | undefined>;
  recordProgress(id: string, published: number): Promise<void>;
  finish(id: string, outcome: { status: 'completed' } | { status: 'failed'; error: string }): Promise<void>;
  claimStale(staleMs: number): Promise<Replay[]>;
}

/**
 * One consumer's queue on the broker.
 * Guarantees: `publish` resolves only when the broker confirmed every message, routed to that queue
 * only, in array order; it rejects (kind `unavailable`) if any was not confirmed or the queue is gone.
 */
export interface ReplayTarget {
  queueExists(queue: string): Promise<boolean>;
  publish(queue: string, events: readonly StoredEvent[], replayId: string): Promise<void>;
}

/** What a retention pass did. */
export interface RetentionOutcome {
  eventsRemoved: number;
  streamsTruncated: number;
}

/**
 * Retention policies and the pass that applies them.
 * Guarantees: `apply` removes, per stream, only events below the first version its policies keep
 * (never the stream's newest event), under the stream's row lock, and records that version as the
 * stream's `truncatedBefore`; stream versions and global positions never change. One pass runs at
 * a time across processes.
 */
export interface Retention {
  putPolicy(policy: Omit<RetentionPolicy, 'updatedAt'>): Promise<RetentionPolicy>;
  listPolicies(tenantId: string): Promise<RetentionPolicy[]>;
  removePolicy(tenantId: string, scope: RetentionScope, target: string): Promise<boolean>;
  apply(options: { tenantId?: string; now: Date }): Promise<RetentionOutcome>;
}

/**
 * Erasure of personal data. Guarantee: in one transaction, every matching event of the tenant
 * not yet erased gets `{"erased": true}` as its data and an erasure time, copies of those events
 * still waiting in the event store's outbox are erased the same way, snapshots of their streams
 * are dropped, and the erasure is recorded. Ids, types, times, streams, versions and positions stay.
 */
export interface Erasures {
  erase(tenantId: string, selector: ErasureSelector): Promise<{ id: string; eventsErased: number; createdAt: string }>;
}

/**
 * Soft and hard deletion of streams. Guarantees: `softDelete` and `restore` only flag the stream;
 * `hardDelete` removes its events, snapshots and the stream itself in one transaction (the version
 * can start again at 1). Each answers undefined for an unknown stream.
 */
export interface StreamLifecycle {
  state(tenantId: string, streamId: string): Promise<StreamState | undefined>;
  softDelete(tenantId: string, streamId: string): Promise<StreamState | undefined>;
  restore(tenantId: string, streamId: string): Promise<StreamState | undefined>;
  hardDelete(tenantId: string, streamId: string): Promise<{ eventsRemoved: number } | undefined>;
}

// Direct appends, stream reads and time travel.
import type { AppendDecision, StreamHead } from '../domain/stream-append';
import type { RecordState } from '../domain/record-state';

/** Where each event of an appended (or replayed) batch landed, and the stream's version after it. */
export interface AppendResult {
  version: number;
  events: Array<{ id: string; version: number; position: number }>;
  /** True when the batch had been appended before and nothing was written now. */
  replayed: boolean;
}

export interface StreamRange {
  /** First version to return: the lowest going forward, the highest going backward. */
  fromVersion: number;
  direction: 'forward' | 'backward';
  limit: number;
}

/**
 * Streams as clients write and read them directly.
 * Guarantees:
 * - `append` locks the stream, hands `decide` its head (version, deletion, and the stored events
 *   of any tenant that carry one of `eventIds`) and writes what it decides in ONE transaction: the
 *   events at the next versions and at the next global positions (taken from log_head like every
 *   append, so positions stay contiguous and visible in order), a copy of each in the event
 *   store's outbox, and the stream's new version. If `decide` throws, or decides a replay or an
 *   empty batch, nothing is written (an unknown stream is not created). An id taken by a
 *   concurrent batch fails with EVENT_ID_REUSED and writes nothing.
 * - `info` is undefined for a stream never written; reads are scoped to one tenant and ignore
 *   deletion (callers decide what a deleted stream answers).
 * - `versionAt` is the highest version whose event time is at or before `at` (0 if none).
 * - `readCorrelated` returns a tenant's events with that correlation id after a position, in
 *   position order, leaving out soft-deleted streams.
 */
export interface Streams {
  append(tenantId: string, streamId: string, eventIds: string[], decide: (head: StreamHead) => AppendDecision): Promise<AppendResult>;
  info(tenantId: string, streamId: string): Promise<StreamState | undefined>;
  read(tenantId: string, streamId: string, range: StreamRange): Promise<StoredEvent[]>;
  versionAt(tenantId: string, streamId: string, at: Date): Promise<number>;
  readCorrelated(tenantId: string, correlationId: string, after: number, limit: number): Promise<StoredEvent[]>;
}

/**
 * Snapshots of record streams: only ever a shortcut to a state the events give anyway.
 * Guarantees: `latest` returns the newest snapshot at or below `atOrBelow`, or undefined; `save`
 * keeps the first snapshot stored for a version (saving it again changes nothing).
 */
export interface Snapshots {
  latest(tenantId: string, streamId: string, atOrBelow: number): Promise<RecordState | undefined>;
  save(tenantId: string, streamId: string, state: RecordState): Promise<void>;
}
