import type { EventEnvelope } from '@hexbase/contracts';
import type { FilterExpression } from '@hexbase/filter';
import type { RecordChange, SettingsChange } from '../domain/index-change';
import type { FacetValue } from '../domain/indexed-document';
import type { SearchSettings } from '../domain/index-settings';
import type { SearchQuery } from '../domain/search-query';

/** The generation of a collection's index that answers searches. */
export interface IndexState {
  /** Settings the answering generation was built with; null when the collection is not searchable. */
  settings: SearchSettings | null;
  /** The collection version those settings come from. */
  settingsVersion: number;
  generation: number;
}

export interface SearchRequest {
  tenantId: string;
  collection: string;
  query: SearchQuery;
  /** Only filterable fields (checked before the index is asked). */
  filter?: FilterExpression;
  /** Facetable fields to count values of, among all hits. */
  facets: string[];
  /** A sortable field, or relevance when absent (then by record id). */
  sort?: { field: string; descending: boolean };
  limit: number;
  offset: number;
  typoTolerance: boolean;
  highlight: boolean;
}

export interface SearchHit {
  id: string;
  version: number;
  /** Relevance; comparable only within one answer. */
  score: number;
  data: Record<string, unknown>;
  /** Searchable fields with matched words between `<mark>` and `</mark>`, the rest HTML-escaped. */
  highlights?: Record<string, unknown>;
  /** A short passage around the best match, marked and escaped the same way. */
  snippet?: string;
}

export interface FacetCount {
  value: FacetValue;
  count: number;
}

export interface FacetResult {
  /** The most frequent values, most frequent first (ties by value). */
  values: FacetCount[];
  /** Smallest and largest number among the hits' values, when there are numbers. */
  min?: number;
  max?: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** All hits, not only this page. */
  total: number;
  facets: Record<string, FacetResult>;
  /** Query word -> indexed words searched instead (typo tolerance). */
  corrections: Record<string, string[]>;
}

export interface FacetValuesRequest {
  tenantId: string;
  collection: string;
  field: string;
  /** Values whose text, or a word of it, starts with this (case-insensitive); empty: every value. */
  prefix: string;
  query: SearchQuery;
  filter?: FilterExpression;
  typoTolerance: boolean;
  limit: number;
}

/**
 * Reading the search index.
 * Guarantees: every read is scoped to one tenant and answered from one generation (the active
 * one when the read began) as one consistent snapshot; deleted and purged records are never
 * returned or counted. `stateOf` is undefined for a collection the index has never heard of.
 */
export interface SearchIndex {
  stateOf(tenantId: string, collection: string): Promise<IndexState | undefined>;
  search(request: SearchRequest): Promise<SearchResult>;
  facetValues(request: FacetValuesRequest): Promise<FacetCount[]>;
  /** The newest version of the record the answering generation reflects; 0 when none. */
  indexedVersion(tenantId: string, collection: string, recordId: string): Promise<number>;
}

export type ApplyOutcome = 'applied' | 'stale';

/**
 * Keeping the index in step with events.
 * Guarantees: a change is applied to every live generation of its collection (the active one and
 * the one a rebuild is filling) in one transaction, and only where that generation holds an older
 * version of the record (settings: an older collection version): redeliveries and stale events
 * change nothing and answer `stale`, so effects are exactly once and independent of arrival order.
 * Settings that change what is stored queue a rebuild in the same transaction; others, and any
 * settings of a generation that holds no documents yet (a new collection), apply at once.
 */
export interface IndexUpdates {
  applyRecordChange(change: RecordChange): Promise<ApplyOutcome>;
  applySettings(change: SettingsChange): Promise<ApplyOutcome>;
}

export type RebuildSource = 'event-store' | 'settings';
export type RebuildStatus = 'pending' | 'building' | 'active' | 'retired' | 'failed';

/** A rebuild a worker holds the lease of: fill `generation`, then swap it in. */
export interface RebuildJob {
  tenantId: string;
  collection: string;
  generation: number;
  source: RebuildSource;
  /** Where the last holder stopped: a global position (event-store) or a record id (settings). */
  checkpoint: string | undefined;
  processed: number;
  owner: string;
}

export interface RebuildProgress {
  generation: number;
  source: RebuildSource | 'initial';
  status: RebuildStatus;
  processed: number;
  total: number | null;
  attempts: number;
  activeGeneration: number;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
}

/**
 * Rebuild jobs. Guarantees: at most one rebuild per index is pending or building at a time
 * (`request` fails with REINDEX_RUNNING otherwise); `claim` hands a job to one owner at a time,
 * for `leaseMs`, and hands it to another owner once the lease has run out (the work is idempotent,
 * so a new owner continues from the checkpoint). `release` gives a failed job back: retried with
 * a growing delay, failed for good after a few attempts.
 */
export interface Rebuilds {
  request(tenantId: string, collection: string): Promise<RebuildProgress>;
  /** The newest generation of the index and its rebuild's progress; undefined for an unknown collection. */
  progress(tenantId: string, collection: string): Promise<RebuildProgress | undefined>;
  claim(owner: string, leaseMs: number): Promise<RebuildJob | undefined>;
  release(job: RebuildJob, error: unknown): Promise<void>;
}

/**
 * Filling a generation and switching to it. Each call checks the job still holds its lease and
 * renews it; LEASE_LOST (conflict) otherwise, with nothing written.
 */
export interface GenerationBuilder {
  /** Applies the changes to the job's generation only (version-guarded) and saves the checkpoint. */
  apply(job: RebuildJob, changes: RecordChange[], checkpoint: string, eventsRead: number): Promise<void>;
  /** Copies the next documents of the active generation (after the checkpoint) under the job's settings; false when none were left. */
  copyFromActive(job: RebuildJob, limit: number): Promise<boolean>;
  /**
   * In one transaction that holds back live updates: brings over every document the active
   * generation holds at a newer version (events the source had not seen yet), then makes the
   * job's generation the active one. Searches see the old generation or the new one, never a mix.
   */
  swapIn(job: RebuildJob): Promise<void>;
}

export interface EventHistoryPage {
  events: EventEnvelope[];
  /** Where the next read continues: the position of the last event returned, or `after` when none. */
  lastPosition: number;
}

/** The event store's global log, as far as one collection's records are concerned. */
export interface EventHistory {
  /** Record events of a tenant's collection after a global position, in position order, at most `limit`. */
  readCollectionEvents(tenantId: string, collection: string, after: number, limit: number): Promise<EventHistoryPage>;
}
