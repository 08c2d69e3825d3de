import { HexbaseError, notFound } from '@hexbase/contracts';
import type { StoredEvent } from '../domain/stored-event';
import type { StreamState } from '../domain/stream-state';
import type { Streams } from './ports';

export interface StreamPage {
  /** The stream's current version. */
  version: number;
  events: StoredEvent[];
  /** Where the next page starts in the same direction; undefined when this page reached the end. */
  nextVersion: number | undefined;
}

/**
 * Reads one stream forward (from version 1 by default) or backward (from its last version by
 * default). An unknown stream is 404 STREAM_NOT_FOUND, a soft-deleted one 404 STREAM_DELETED, and
 * versions that retention removed are 410 STREAM_TRUNCATED; reading forward past the end is an
 * empty page (a reader waiting for new events).
 */
export async function readStream(
  streams: Streams,
  tenantId: string,
  streamId: string,
  request: { fromVersion?: number; direction: 'forward' | 'backward'; limit: number },
): Promise<StreamPage> {
  const stream = await requireLiveStream(streams, tenantId, streamId);
  const fromVersion = request.fromVersion ?? (request.direction === 'forward' ? Math.max(1, stream.truncatedBefore) : stream.version);
  if (fromVersion < stream.truncatedBefore) throw truncated(streamId, stream);
  const events = await streams.read(tenantId, streamId, { fromVersion, direction: request.direction, limit: request.limit });
  const last = events.at(-1)?.event.streamversion;
  const nextVersion =
    request.direction === 'forward'
      ? last !== undefined && last < stream.version ? last + 1 : undefined
      : last !== undefined && last > Math.max(1, stream.truncatedBefore) ? last - 1 : undefined;
  return { version: stream.version, events, nextVersion };
}

/** The stream's state, or the 404 a client gets for a stream that is unknown or soft-deleted. */
export async function requireLiveStream(streams: Streams, tenantId: string, streamId: string): Promise<StreamState> {
  const stream = await streams.info(tenantId, streamId);
  if (!stream || stream.version === 0) throw notFound('STREAM_NOT_FOUND', `stream ${streamId} does not exist`);
  if (stream.deletedAt) throw notFound('STREAM_DELETED', `stream ${streamId} was deleted`);
  return stream;
}

export function truncated(streamId: string, stream: StreamState): HexbaseError {
  return new HexbaseError('STREAM_TRUNCATED', 'gone', `retention removed the versions of stream ${streamId} below ${stream.truncatedBefore}; read from version ${stream.truncatedBefore}`, [], {
    firstVersion: stream.truncatedBefore,
  });
}
