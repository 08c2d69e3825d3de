import { describe, expect, it } from 'vitest';
import { createReadiness } from './readiness';

describe('readiness', () => {
  it('is ok when every check passes, with their details', async () => {
    const readiness = createReadiness({ checks: { database: async () => ({ pool: 3 }), broker: async () => undefined } });
    const report = await readiness.check();
    expect(report.status).toBe('ok');
    expect(report.checks.database).toMatchObject({ status: 'ok', pool: 3 });
    expect(report.checks.broker).toMatchObject({ status: 'ok' });
  });

  it('fails and names the check that threw', async () => {
    const readiness = createReadiness({
      checks: { database: async () => undefined, broker: async () => Promise.reject(new Error('connection refused')) },
    });
    const report = await readiness.check();
    expect(report.status).toBe('fail');
    expect(report.checks.broker).toMatchObject({ status: 'fail', error: 'connection refused' });
    expect(report.checks.database).toMatchObject({ status: 'ok' });
  });

  it('fails a check that does not answer in time and aborts it', async () => {
    let aborted = false;
    const readiness = createReadiness({
      timeoutMs: 20,
      checks: {
        slow: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => (aborted = true));
          }),
      },
    });
    const report = await readiness.check();
    expect(report.checks.slow).toMatchObject({ status: 'fail', error: 'timed out after 20 ms' });
    expect(aborted).toBe(true);
  });

  it('reports draining once draining starts, whatever the checks say', async () => {
    const readiness = createReadiness({ checks: { database: async () => undefined } });
    expect(readiness.draining).toBe(false);
    readiness.startDraining();
    expect(readiness.draining).toBe(true);
    expect((await readiness.check()).status).toBe('draining');
  });
});
