import { conflict, notFound } from '@hexbase/contracts';
import type { RecordChange } from '../../domain/index-change';
import type { GenerationBuilder, RebuildJob, Rebuilds, RebuildSource } from '../../application/ports';
import type { MemoryDocument, MemoryGeneration, MemoryIndex, MemoryIndexState } from './memory-index-state';

/** Rebuild jobs and generations of the in-memory twin: the same state machine as pg-rebuilds. */
export function createMemoryRebuilds(state: MemoryIndexState, maxAttempts: number): Rebuilds & GenerationBuilder {
  const { indexes, key, now, generationOf, applyTo, progressOf } = state;
  const leaseMsOf = new WeakMap<MemoryGeneration, number>();

  function holdLease(job: RebuildJob): { index: MemoryIndex; generation: MemoryGeneration } {
    const index = indexes.get(key(job.tenantId, job.collection));
    const generation = index?.generations.get(job.generation);
    if (!index || !generation || generation.status !== 'building' || generation.leaseOwner !== job.owner) {
      throw conflict('LEASE_LOST', `the rebuild of ${job.collection} (generation ${job.generation}) is no longer held by ${job.owner}`);
    }
    generation.leaseUntil = now() + leaseMsOf.get(generation)!;
    return { index, generation };
  }

  function changeOfDocument(job: RebuildJob, document: MemoryDocument): RecordChange {
    const base = { tenantId: job.tenantId, collection: job.collection, recordId: document.recordId, version: document.version };
    if (document.purged) return { kind: 'purge', ...base };
    if (document.deleted) return { kind: 'delete', ...base };
    return { kind: 'upsert', ...base, data: document.data };
  }

  return {
    async request(tenantId, collection) {
      const index = indexes.get(key(tenantId, collection));
      if (!index) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
      const running = [...index.generations.values()].find((generation) => generation.status === 'pending' || generation.status === 'building');
      if (running) throw conflict('REINDEX_RUNNING', `a rebuild of ${collection} is already ${running.status} (generation ${running.generation})`, { generation: running.generation });
      const next = Math.max(...index.generations.keys()) + 1;
      index.generations.set(next, generationOf(null, next, 'event-store', 'pending'));
      return progressOf(index);
    },

    async progress(tenantId, collection) {
      const index = indexes.get(key(tenantId, collection));
      return index ? progressOf(index) : undefined;
    },

    async claim(owner, leaseMs) {
      const candidates = [...indexes.values()].flatMap((index) =>
        [...index.generations.values()]
          .filter((generation) => (generation.status === 'pending' && index.building === null && generation.retryAt <= now()) || (generation.status === 'building' && generation.leaseUntil < now()))
          .map((generation) => ({ index, generation })),
      );
      candidates.sort((left, right) => left.generation.requestedAt.getTime() - right.generation.requestedAt.getTime());
      const chosen = candidates[0];
      if (!chosen) return undefined;
      const { index, generation } = chosen;
      if (generation.status === 'pending') {
        generation.status = 'building';
        generation.settings = index.settings;
        generation.settingsVersion = index.settingsVersion;
        generation.attempts += 1;
        generation.startedAt ??= new Date(now());
        generation.total = generation.source === 'settings' ? index.generations.get(index.active)!.documents.size : null;
        index.building = generation.generation;
      }
      generation.leaseOwner = owner;
      generation.leaseUntil = now() + leaseMs;
      leaseMsOf.set(generation, leaseMs);
      return { tenantId: index.tenantId, collection: index.collection, generation: generation.generation, source: generation.source as RebuildSource, checkpoint: generation.checkpoint, processed: generation.processed, owner };
    },

    async release(job, error) {
      const index = indexes.get(key(job.tenantId, job.collection));
      const generation = index?.generations.get(job.generation);
      if (!index || !generation || generation.status !== 'building' || generation.leaseOwner !== job.owner) return;
      const giveUp = generation.attempts >= maxAttempts;
      generation.status = giveUp ? 'failed' : 'pending';
      generation.error = error instanceof Error ? error.message : String(error);
      generation.leaseOwner = undefined;
      generation.retryAt = giveUp ? 0 : now() + 5_000 * 2 ** (generation.attempts - 1);
      if (giveUp) {
        generation.finishedAt = new Date(now());
        generation.documents.clear();
        generation.lexicon.clear();
      }
      if (index.building === job.generation) index.building = null;
    },

    async apply(job, changes, checkpoint, eventsRead) {
      const { generation } = holdLease(job);
      for (const change of changes) applyTo(generation, change);
      generation.checkpoint = job.checkpoint = checkpoint;
      generation.processed = job.processed += eventsRead;
    },

    async copyFromActive(job, limit) {
      const { index, generation } = holdLease(job);
      const active = index.generations.get(index.active)!;
      const next = [...active.documents.values()].filter((document) => document.recordId > (job.checkpoint ?? '')).sort((left, right) => (left.recordId < right.recordId ? -1 : 1)).slice(0, limit);
      if (next.length === 0) return false;
      for (const document of next) applyTo(generation, changeOfDocument(job, document));
      generation.checkpoint = job.checkpoint = next[next.length - 1]!.recordId;
      generation.processed = job.processed += next.length;
      return next.length === limit;
    },

    async swapIn(job) {
      const { index, generation } = holdLease(job);
      if (index.building !== job.generation) throw conflict('LEASE_LOST', `generation ${job.generation} of ${job.collection} is no longer being built`);
      const active = index.generations.get(index.active)!;
      for (const document of active.documents.values()) applyTo(generation, changeOfDocument(job, document));
      active.status = 'retired';
      active.finishedAt = new Date(now());
      active.documents = new Map();
      active.lexicon = new Set();
      generation.status = 'active';
      generation.finishedAt = new Date(now());
      generation.leaseOwner = undefined;
      generation.error = null;
      index.active = job.generation;
      index.building = null;
    },
  };
}
