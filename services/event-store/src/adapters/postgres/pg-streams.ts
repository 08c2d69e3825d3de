import type pg from 'pg';
import { HexbaseError, type EventEnvelope } from '@hexbase/contracts';
import type { AppendResult, Streams } from '../../application/ports';
import type { StoredEvent } from '../../domain/stored-event';
import type { AppendDecision, StreamHead } from '../../domain/stream-append';
import { OUTBOX_CHANNEL } from './pg-outbox';

interface EventRow {
  position: string;
  envelope: EventEnvelope;
}

const toStored = (row: EventRow): StoredEvent => ({ position: Number(row.position), event: row.envelope });

/** Rows hold the envelope without its data (kept in its own column, so erasure can reach it alone). */
const ENVELOPE = `envelope || jsonb_build_object('data', data) AS envelope`;

const UNIQUE_VIOLATION = '23505';

/**
 * Direct appends and stream reads in PostgreSQL (schema `event_store`). An append locks the
 * stream row, then takes its positions from the log_head row as the intake does (stream lock
 * first, log_head second, in every writer: no deadlocks), and writes events, outbox rows and the
 * stream version before it commits; the log_head lock is held only for those inserts.
 */
export function createPgStreams(pool: pg.Pool): Streams {
  return {
    async append(tenantId, streamId, eventIds, decide) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const outcome = await appendInTransaction(client, tenantId, streamId, eventIds, decide);
        await client.query(outcome.written ? 'COMMIT' : 'ROLLBACK');
        return outcome.result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if ((error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && /event_id/.test((error as { constraint?: string }).constraint ?? '')) {
          throw new HexbaseError('EVENT_ID_REUSED', 'conflict', 'an event id of this batch was taken by another batch at the same time; a retry must send the same batch unchanged');
        }
        throw error;
      } finally {
        client.release();
      }
    },

    async info(tenantId, streamId) {
      const { rows } = await pool.query<{ version: number; deleted_at: Date | null; truncated_before: number }>(
        'SELECT version, deleted_at, truncated_before FROM streams WHERE tenant_id = $1 AND stream_id = $2',
        [tenantId, streamId],
      );
      const row = rows[0];
      if (!row) return undefined;
      return { version: row.version, truncatedBefore: row.truncated_before, ...(row.deleted_at ? { deletedAt: row.deleted_at.toISOString() } : {}) };
    },

    async read(tenantId, streamId, range) {
      const [comparison, order] = range.direction === 'forward' ? ['>=', 'ASC'] : ['<=', 'DESC'];
      const { rows } = await pool.query<EventRow>(
        `SELECT position, ${ENVELOPE} FROM events WHERE tenant_id = $1 AND stream_id = $2 AND stream_version ${comparison} $3 ORDER BY stream_version ${order} LIMIT $4`,
        [tenantId, streamId, range.fromVersion, range.limit],
      );
      return rows.map(toStored);
    },

    async versionAt(tenantId, streamId, at) {
      const { rows } = await pool.query<{ version: number }>(
        'SELECT coalesce(max(stream_version), 0) AS version FROM events WHERE tenant_id = $1 AND stream_id = $2 AND time <= $3',
        [tenantId, streamId, at],
      );
      return rows[0]?.version ?? 0;
    },

    async readCorrelated(tenantId, correlationId, after, limit) {
      const { rows } = await pool.query<EventRow>(
        `SELECT e.position, e.envelope || jsonb_build_object('data', e.data) AS envelope FROM events e
         WHERE e.tenant_id = $1 AND e.correlation_id = $2 AND e.position > $3
           AND NOT EXISTS (SELECT 1 FROM streams s WHERE s.tenant_id = e.tenant_id AND s.stream_id = e.stream_id AND s.deleted_at IS NOT NULL)
         ORDER BY e.position LIMIT $4`,
        [tenantId, correlationId, after, limit],
      );
      return rows.map(toStored);
    },
  };
}

async function appendInTransaction(
  client: pg.PoolClient,
  tenantId: string,
  streamId: string,
  eventIds: string[],
  decide: (head: StreamHead) => AppendDecision,
): Promise<{ written: boolean; result: AppendResult }> {
  const { version, deleted } = await lockStream(client, tenantId, streamId);
  const sameIds = eventIds.length === 0 ? [] : (await client.query<EventRow>(`SELECT position, ${ENVELOPE} FROM events WHERE event_id = ANY($1::uuid[]) ORDER BY position`, [eventIds])).rows.map(toStored);
  const decision = decide({ version, deleted, sameIds });

  if (decision.kind === 'replay') {
    const events = decision.events.map(({ position, event }) => ({ id: event.id, version: event.streamversion, position }));
    return { written: false, result: { version: events.at(-1)!.version, events, replayed: true } };
  }
  const events = decision.events;
  if (events.length === 0) return { written: false, result: { version, events: [], replayed: false } };

  // Everything that needs no global position first, in one statement: the outbox copies, the
  // stream's version and the relay's wake-up (sent at commit).
  const newVersion = events.at(-1)!.streamversion;
  await client.query(
    `WITH outbox_rows AS (INSERT INTO outbox (event_id, stream_id, envelope) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])),
          stream AS (UPDATE streams SET version = $6, updated_at = now() WHERE tenant_id = $4 AND stream_id = $5)
     SELECT pg_notify('${OUTBOX_CHANNEL}', '')`,
    [events.map((event) => event.id), events.map((event) => event.streamid), events.map((event) => JSON.stringify(event)), tenantId, streamId, newVersion],
  );
  // Then the positions and the events in one statement: log_head stays locked only for it and the commit.
  const { rows } = await client.query<{ position: string }>(
    `WITH head AS (UPDATE log_head SET position = position + $10::bigint WHERE id = 1 RETURNING position)
     INSERT INTO events (position, event_id, tenant_id, stream_id, stream_version, type, time, data, envelope, correlation_id)
     SELECT head.position - $10::bigint + row.n, row.id, row.tenant, row.stream, row.version, row.type, row.time, row.data, row.envelope, row.correlation
     FROM head, unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::jsonb[], $9::text[]) WITH ORDINALITY
       AS row(id, tenant, stream, version, type, time, data, envelope, correlation, n)
     RETURNING position`,
    [
      events.map((event) => event.id),
      events.map((event) => event.tenantid),
      events.map((event) => event.streamid),
      events.map((event) => event.streamversion),
      events.map((event) => event.type),
      events.map((event) => event.time),
      events.map((event) => JSON.stringify(event.data ?? null)),
      events.map((event) => JSON.stringify({ ...event, data: undefined })),
      events.map((event) => event.correlationid ?? null),
      events.length,
    ],
  );
  const positions = rows.map((row) => Number(row.position)).sort((a, b) => a - b);
  return { written: true, result: { version: newVersion, events: events.map((event, index) => ({ id: event.id, version: event.streamversion, position: positions[index]! })), replayed: false } };
}

/** Locks the stream's row (creating it at version 0 if it is new) and returns its version and deletion. */
async function lockStream(client: pg.PoolClient, tenantId: string, streamId: string): Promise<{ version: number; deleted: boolean }> {
  const select = 'SELECT version, deleted_at IS NOT NULL AS deleted FROM streams WHERE tenant_id = $1 AND stream_id = $2 FOR UPDATE';
  const { rows } = await client.query<{ version: number; deleted: boolean }>(select, [tenantId, streamId]);
  if (rows[0]) return rows[0];
  await client.query('INSERT INTO streams (tenant_id, stream_id, version) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [tenantId, streamId]);
  return (await client.query<{ version: number; deleted: boolean }>(select, [tenantId, streamId])).rows[0]!;
}
