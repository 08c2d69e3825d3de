import { describe, expect, it } from 'vitest';
import { freePort } from '@hexbase/testing';
import { createPgPool } from './schema-connection';
import { withDatabaseAvailability } from './database-availability';

describe('a port whose database is down', () => {
  it('fails fast with DATABASE_UNAVAILABLE and a Retry-After instead of an internal error', async () => {
    const pool = createPgPool(`postgresql://postgres@127.0.0.1:${await freePort()}/nothing`, 'records');
    const port = withDatabaseAvailability({ count: async () => (await pool.query('SELECT 1')).rowCount, describe: 'not a method' });
    const started = Date.now();
    await expect(port.count()).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE', kind: 'unavailable', extensions: { retryAfter: 2 } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(port.describe).toBe('not a method');
    await pool.end();
  });

  it('wraps the methods of class instances too', async () => {
    const pool = createPgPool(`postgresql://postgres@127.0.0.1:${await freePort()}/nothing`, 'records');
    class Store {
      async count() {
        return (await pool.query('SELECT 1')).rowCount;
      }
    }
    await expect(withDatabaseAvailability(new Store()).count()).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    await pool.end();
  });

  it('lets the caller’s own mistakes through unchanged', async () => {
    const port = withDatabaseAvailability({ fail: async () => Promise.reject(Object.assign(new Error('syntax'), { code: '42601' })) });
    await expect(port.fail()).rejects.toMatchObject({ code: '42601' });
  });
});
