import type pg from 'pg';
import type { EventEnvelope } from '@hexbase/contracts';
import type { AppendOutcome, EventLog, LogQuery } from '../../application/ports';
import { fitIncomingEvent } from '../../domain/stream-position';
import type { StoredEvent } from '../../domain/stored-event';
import { LOG_APPENDED_CHANNEL } from './pg-log-watcher';

interface EventRow {
  position: string;
  envelope: EventEnvelope;
}

const toStored = (row: EventRow): StoredEvent => ({ position: Number(row.position), event: row.envelope });

/** The envelope is stored without its data (kept in its own column, so personal data can be erased alone). */
const ENVELOPE = `envelope || jsonb_build_object('data', data) AS envelope`;

/**
 * The event log in PostgreSQL (schema `event_store`). A global position is taken from the single
 * log_head row inside the appending transaction: its row lock makes appenders commit in position
 * order, so positions have no holes and a reader that sees position n already sees all below it.
 */
export function createPgEventLog(pool: pg.Pool): EventLog {
  return {
    async append(event) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const outcome = await appendInTransaction(client, event);
        await client.query(outcome.kind === 'appended' ? 'COMMIT' : 'ROLLBACK');
        return outcome;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if ((error as { code?: string }).code === '23505') return { kind: 'duplicate' };
        throw error;
      } finally {
        client.release();
      }
    },

    async readStream(tenantId, streamId, fromVersion, limit) {
      const { rows } = await pool.query<EventRow>(
        `SELECT position, ${ENVELOPE} FROM events WHERE tenant_id = $1 AND stream_id = $2 AND stream_version >= $3 ORDER BY stream_version LIMIT $4`,
        [tenantId, streamId, fromVersion, limit],
      );
      return rows.map(toStored);
    },

    async readLog(query: LogQuery) {
      const params: unknown[] = [query.tenantId, query.after];
      const where = ['tenant_id = $1', 'position > $2'];
      if (query.types && query.types.length > 0) {
        params.push(query.types);
        where.push(`type = ANY($${params.length}::text[])`);
      }
      if (query.streamPrefix) {
        params.push(`${query.streamPrefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`);
        where.push(`stream_id LIKE $${params.length}`);
      }
      params.push(query.limit);
      const { rows } = await pool.query<EventRow>(`SELECT position, ${ENVELOPE} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.length}`, params);
      return rows.map(toStored);
    },

    async headPosition() {
      const { rows } = await pool.query<{ position: string }>('SELECT position FROM log_head WHERE id = 1');
      return Number(rows[0]?.position ?? 0);
    },
  };
}

async function appendInTransaction(client: pg.PoolClient, event: EventEnvelope): Promise<AppendOutcome> {
  const seen = await client.query('SELECT 1 FROM events WHERE event_id = $1', [event.id]);
  if (seen.rowCount) return { kind: 'duplicate' };
  await client.query('INSERT INTO streams (tenant_id, stream_id, version) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [event.tenantid, event.streamid]);
  const { rows: stream } = await client.query<{ version: number }>('SELECT version FROM streams WHERE tenant_id = $1 AND stream_id = $2 FOR UPDATE', [event.tenantid, event.streamid]);
  const currentVersion = stream[0]?.version ?? 0;
  const fit = fitIncomingEvent(currentVersion, event.streamversion);
  if (fit.kind === 'gap') return { kind: 'gap', currentVersion };
  if (fit.kind === 'taken') {
    // A redelivery racing with its own first delivery: the id check above ran before that commit.
    const again = await client.query('SELECT 1 FROM events WHERE event_id = $1', [event.id]);
    return again.rowCount ? { kind: 'duplicate' } : { kind: 'taken', currentVersion };
  }
  // Delivered on commit; sent before log_head is taken so the serialised part of the append stays short (pg-log-watcher.ts).
  await client.query(`NOTIFY ${LOG_APPENDED_CHANNEL}`);
  await client.query('UPDATE streams SET version = $3, updated_at = now() WHERE tenant_id = $1 AND stream_id = $2', [event.tenantid, event.streamid, event.streamversion]);
  // Last, and in one statement: from here to the commit every other appender waits on log_head.
  const { rows: head } = await client.query<{ position: string }>(
    `WITH head AS (UPDATE log_head SET position = position + 1 WHERE id = 1 RETURNING position)
     INSERT INTO events (position, event_id, tenant_id, stream_id, stream_version, type, time, data, envelope, correlation_id)
     SELECT head.position, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM head RETURNING position`,
    [event.id, event.tenantid, event.streamid, event.streamversion, event.type, event.time, JSON.stringify(event.data ?? null), JSON.stringify({ ...event, data: undefined }), event.correlationid ?? null],
  );
  const position = Number(head[0]!.position);
  return { kind: 'appended', position };
}
