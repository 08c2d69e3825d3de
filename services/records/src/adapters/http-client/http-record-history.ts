import { HexbaseError, TENANT_HEADER, encodeConsistencyToken, notFound, recordStreamId, unavailable } from '@hexbase/contracts';
import type { RecordHistory, RecordHistoryPage } from '../../application/ports';
import type { StoredRecord } from '../../domain/record';

export interface HttpRecordHistoryOptions {
  /** Base URL of the event store, e.g. http://127.0.0.1:4102. */
  baseUrl: string;
  /** Each call gives up after this long (connect, wait and answer). */
  timeoutMs: number;
}

/** Seconds a caller is told to wait when the event store did not answer. */
const RETRY_AFTER_SECONDS = 2;

interface RecordStateBody {
  id: string;
  collection: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  purgedAt: string | null;
  data: Record<string, unknown>;
}

interface Problem {
  code?: string;
  detail?: string;
  firstVersion?: number;
}

/**
 * RecordHistory over the event store's HTTP API (`/v1/streams/{collection}%2F{id}/state|history`).
 * Each request carries the tenant and a consistency token for the version this service holds,
 * and is aborted after `timeoutMs`; an unreachable, slow or failing event store is a HexbaseError
 * of kind `unavailable`, which a breaker around this adapter counts.
 */
export function createHttpRecordHistory(options: HttpRecordHistoryOptions): RecordHistory {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function call<T>(tenantId: string, streamId: string, path: string, knownVersion: number): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}/v1/streams/${encodeURIComponent(streamId)}/${path}`, {
        headers: { accept: 'application/json', [TENANT_HEADER]: tenantId, 'hexbase-consistency-token': encodeConsistencyToken({ tenantId, streamId, version: knownVersion }) },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `did not answer within ${options.timeoutMs} ms` : 'is unreachable';
      throw unavailable('EVENT_STORE_UNAVAILABLE', `the event store ${reason}; record history is unavailable for now`, RETRY_AFTER_SECONDS);
    }
    const body = (await response.json().catch(() => ({}))) as T & Problem;
    if (response.ok) return body;
    throw problemOf(response, body, streamId);
  }

  return {
    async at(tenantId, collection, id, point, knownVersion) {
      const query = 'version' in point ? `version=${point.version}` : `asOf=${encodeURIComponent(point.asOf.toISOString())}`;
      const answer = await call<{ state: RecordStateBody | null }>(tenantId, recordStreamId(collection, id), `state?${query}`, knownVersion);
      return answer.state ? storedRecordOf(tenantId, answer.state) : undefined;
    },

    async history(tenantId, collection, id, page, knownVersion) {
      const answer = await call<{ items: RecordHistoryPage['items']; nextVersion: number | null }>(
        tenantId,
        recordStreamId(collection, id),
        `history?fromVersion=${page.fromVersion}&limit=${page.limit}`,
        knownVersion,
      );
      return {
        items: answer.items.map(({ version, type, time, eventId, changes, deletedAt }) => ({ version, type, time, eventId, changes, deletedAt })),
        nextVersion: answer.nextVersion ?? undefined,
      };
    },
  };
}

function problemOf(response: Response, problem: Problem, streamId: string): HexbaseError {
  const detail = problem.detail ?? `the event store answered ${response.status}`;
  if (response.status === 404 && problem.code === 'STREAM_VERSION_NOT_FOUND') return notFound('RECORD_VERSION_NOT_FOUND', detail.replace(`stream ${streamId}`, `record ${streamId}`));
  if (response.status === 404) return notFound('RECORD_HISTORY_NOT_FOUND', `the event store holds no history of record ${streamId} (${problem.code ?? 'not found'})`);
  if (response.status === 410) return new HexbaseError('RECORD_HISTORY_TRUNCATED', 'gone', detail, [], problem.firstVersion !== undefined ? { firstVersion: problem.firstVersion } : {});
  if (response.status >= 500) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return unavailable('EVENT_STORE_UNAVAILABLE', `the event store could not answer: ${detail}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : RETRY_AFTER_SECONDS);
  }
  return new HexbaseError('EVENT_STORE_REFUSED', 'internal', `the event store refused a history request (${response.status} ${problem.code ?? ''}): ${detail}`);
}

function storedRecordOf(tenantId: string, state: RecordStateBody): StoredRecord {
  return {
    tenantId,
    collection: state.collection,
    id: state.id,
    data: state.data,
    version: state.version,
    createdAt: new Date(state.createdAt),
    updatedAt: new Date(state.updatedAt),
    deletedAt: state.deletedAt ? new Date(state.deletedAt) : null,
    purgedAt: state.purgedAt ? new Date(state.purgedAt) : null,
  };
}
