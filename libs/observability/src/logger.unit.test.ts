import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { REDACTED, createLogger } from './logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('stamps every line with the service and pid, and the level by name', () => {
    const { stream, lines } = capture();
    createLogger({ service: 'records', destination: stream }).info('started');
    expect(lines()[0]).toMatchObject({ service: 'records', pid: process.pid, level: 'info', msg: 'started' });
  });

  it('redacts secrets at the top level and inside nested objects such as request headers', () => {
    const { stream, lines } = capture();
    createLogger({ service: 'gateway', destination: stream }).info(
      {
        password: 'hunter2',
        apiKey: 'hk_live_123',
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k', 'set-cookie': 'sid=2', accept: 'application/json' } },
        err: { config: { headers: { authorization: 'Basic xyz' } } },
        user: { name: 'ada', password: 'p', token: 't', secret: 's' },
      },
      'request',
    );
    const line = lines()[0]!;
    expect(line).toMatchObject({
      password: REDACTED,
      apiKey: REDACTED,
      req: { headers: { authorization: REDACTED, cookie: REDACTED, 'x-api-key': REDACTED, 'set-cookie': REDACTED, accept: 'application/json' } },
      err: { config: { headers: { authorization: REDACTED } } },
      user: { name: 'ada', password: REDACTED, token: REDACTED, secret: REDACTED },
    });
    expect(JSON.stringify(line)).not.toMatch(/hunter2|hk_live_123|Bearer abc|Basic xyz/);
  });

  it('respects the level', () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'search', level: 'warn', destination: stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });
});
