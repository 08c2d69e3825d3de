/** The part of a PostgreSQL client (pg `Client`, `PoolClient`) the inbox needs; keeps this lib free of a DB driver. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

/** Add to a consumer's migrations (in its own schema). Event ids are kept as text: the envelope only promises a string. */
export const INBOX_TABLE_SQL = `CREATE TABLE IF NOT EXISTS inbox (
  consumer text NOT NULL,
  event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);`;

/**
 * Records that `consumer` processed `eventId`, inside the caller's open transaction, and returns
 * true the first time only. Call it first in the transaction that applies the event's effects:
 * on false, skip the effects (a redelivery); if the transaction rolls back, the record goes with
 * it and the next delivery is processed again. Concurrent deliveries of one event serialize on
 * the primary key: the second waits for the first transaction and then gets false.
 */
export async function recordInboxOnce(client: SqlClient, entry: { consumer: string; eventId: string }): Promise<boolean> {
  const result = await client.query('INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [entry.consumer, entry.eventId]);
  return result.rowCount === 1;
}
