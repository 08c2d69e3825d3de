import type { RecordChange } from '../../domain/index-change';
import { indexedDocument, type IndexedDocument } from '../../domain/indexed-document';
import type { SearchSettings } from '../../domain/index-settings';
import type { RebuildProgress, RebuildSource, RebuildStatus } from '../../application/ports';
import { documentWords, type DocumentWords } from './memory-text-match';

export interface MemoryDocument {
  recordId: string;
  version: number;
  deleted: boolean;
  purged: boolean;
  data: Record<string, unknown>;
  indexed: IndexedDocument;
  words: DocumentWords;
}

export interface MemoryGeneration {
  generation: number;
  settings: SearchSettings | null;
  settingsVersion: number;
  source: RebuildSource | 'initial';
  status: RebuildStatus;
  processed: number;
  total: number | null;
  checkpoint: string | undefined;
  attempts: number;
  leaseOwner: string | undefined;
  leaseUntil: number;
  retryAt: number;
  error: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  documents: Map<string, MemoryDocument>;
  lexicon: Set<string>;
}

export interface MemoryIndex {
  tenantId: string;
  collection: string;
  settings: SearchSettings | null;
  settingsVersion: number;
  active: number;
  building: number | null;
  generations: Map<number, MemoryGeneration>;
}

/** The indexes of the in-memory twin and what its ports share: the same rules as the PostgreSQL tables. */
export interface MemoryIndexState {
  indexes: Map<string, MemoryIndex>;
  now: () => number;
  key(tenantId: string, collection: string): string;
  generationOf(settings: SearchSettings | null, generation: number, source: MemoryGeneration['source'], status: RebuildStatus): MemoryGeneration;
  indexFor(tenantId: string, collection: string): MemoryIndex;
  liveGenerations(index: MemoryIndex): MemoryGeneration[];
  /** Writes a change into one generation unless it holds the record at this version or later. */
  applyTo(generation: MemoryGeneration, change: RecordChange): boolean;
  progressOf(index: MemoryIndex): RebuildProgress;
}

export function createMemoryIndexState(now: () => number): MemoryIndexState {
  const indexes = new Map<string, MemoryIndex>();
  const key = (tenantId: string, collection: string) => `${tenantId}\u0000${collection}`;

  function generationOf(settings: SearchSettings | null, generation: number, source: MemoryGeneration['source'], status: RebuildStatus): MemoryGeneration {
    return {
      generation,
      settings,
      settingsVersion: 0,
      source,
      status,
      processed: 0,
      total: null,
      checkpoint: undefined,
      attempts: 0,
      leaseOwner: undefined,
      leaseUntil: 0,
      retryAt: 0,
      error: null,
      requestedAt: new Date(now()),
      startedAt: status === 'active' ? new Date(now()) : null,
      finishedAt: status === 'active' ? new Date(now()) : null,
      documents: new Map(),
      lexicon: new Set(),
    };
  }

  function indexFor(tenantId: string, collection: string): MemoryIndex {
    let index = indexes.get(key(tenantId, collection));
    if (!index) {
      index = { tenantId, collection, settings: null, settingsVersion: 0, active: 1, building: null, generations: new Map([[1, generationOf(null, 1, 'initial', 'active')]]) };
      indexes.set(key(tenantId, collection), index);
    }
    return index;
  }

  function liveGenerations(index: MemoryIndex): MemoryGeneration[] {
    return [index.active, index.building].flatMap((generation) => (generation === null ? [] : [index.generations.get(generation)!]));
  }

  function applyTo(generation: MemoryGeneration, change: RecordChange): boolean {
    const current = generation.documents.get(change.recordId);
    if (current && current.version >= change.version) return false;
    if (change.kind === 'upsert') {
      const indexed = indexedDocument(generation.settings, change.data);
      generation.documents.set(change.recordId, { recordId: change.recordId, version: change.version, deleted: false, purged: false, data: change.data, indexed, words: documentWords(indexed) });
      for (const word of indexed.words) generation.lexicon.add(word);
    } else {
      const empty = indexedDocument(null, {});
      const kept = change.kind === 'delete' && current ? current : { data: {}, indexed: empty, words: documentWords(empty) };
      generation.documents.set(change.recordId, { recordId: change.recordId, version: change.version, deleted: true, purged: change.kind === 'purge', data: kept.data, indexed: kept.indexed, words: kept.words });
    }
    return true;
  }

  function progressOf(index: MemoryIndex): RebuildProgress {
    const newest = index.generations.get(Math.max(...index.generations.keys()))!;
    return {
      generation: newest.generation,
      source: newest.source,
      status: newest.status,
      processed: newest.processed,
      total: newest.total,
      attempts: newest.attempts,
      activeGeneration: index.active,
      requestedAt: newest.requestedAt,
      startedAt: newest.startedAt,
      finishedAt: newest.finishedAt,
      error: newest.error,
    };
  }

  return { indexes, now, key, generationOf, indexFor, liveGenerations, applyTo, progressOf };
}
