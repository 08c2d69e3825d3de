import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { INBOX_TABLE_SQL, recordInboxOnce } from './inbox';

describe('inbox', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase(testServers().databaseUrl, 'messaging_inbox');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(INBOX_TABLE_SQL);
    await client.query(INBOX_TABLE_SQL);
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('is true the first time a consumer sees an event and false on a redelivery', async () => {
    await client.query('BEGIN');
    const first = await recordInboxOnce(client, { consumer: 'search', eventId: 'event-1' });
    await client.query('COMMIT');
    await client.query('BEGIN');
    const again = await recordInboxOnce(client, { consumer: 'search', eventId: 'event-1' });
    await client.query('COMMIT');

    expect([first, again]).toEqual([true, false]);
  });

  it('keeps consumers apart', async () => {
    expect(await recordInboxOnce(client, { consumer: 'notifications', eventId: 'event-1' })).toBe(true);
  });

  it('forgets the event when the transaction of its effects rolls back', async () => {
    await client.query('BEGIN');
    expect(await recordInboxOnce(client, { consumer: 'search', eventId: 'event-2' })).toBe(true);
    await client.query('ROLLBACK');

    expect(await recordInboxOnce(client, { consumer: 'search', eventId: 'event-2' })).toBe(true);
  });
});
