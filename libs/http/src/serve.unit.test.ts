import { createLogger } from '@hexbase/observability';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app';
import { gracefulShutdown, type ShutdownControl } from './serve';

// A signal nothing else in the test worker listens to, so emitting it only reaches our handler.
const SIGNAL = 'SIGUSR2';

let app: FastifyInstance;
let control: ShutdownControl | undefined;
afterEach(async () => {
  control?.dispose();
  await app?.close();
});

async function buildApp(): Promise<FastifyInstance> {
  app = await createHttpApp({
    service: 'test',
    logger: createLogger({ service: 'test', level: 'silent' }),
    openapi: { title: 'Test', version: '1.0.0' },
    readinessChecks: { database: async () => undefined },
  });
  return app;
}

describe('gracefulShutdown', () => {
  it('on a signal: turns readiness off first, then closes the server, runs close hooks in order and exits 0', async () => {
    await buildApp();
    const events: string[] = [];
    const exits: number[] = [];
    app.addHook('onClose', async () => {
      events.push('server closed');
    });
    expect(process.listenerCount(SIGNAL)).toBe(0);
    control = gracefulShutdown(app, {
      signals: [SIGNAL],
      drainMs: 20,
      onDrain: () => {
        events.push(`drain started, draining=${app.readiness.draining}`);
      },
      closeHooks: [
        { name: 'consumer', close: async () => void events.push('consumer stopped') },
        { name: 'database', close: () => void events.push('database closed') },
      ],
      exit: (code) => exits.push(code),
    });

    process.emit(SIGNAL, SIGNAL);
    const duringDrain = await app.inject({ url: '/health/ready' });
    expect(duringDrain.statusCode).toBe(503);
    expect(duringDrain.json()).toMatchObject({ status: 'draining' });

    expect(await control.shutdown('again')).toBe(0);
    expect(exits).toEqual([0]);
    expect(events).toEqual(['drain started, draining=true', 'server closed', 'consumer stopped', 'database closed']);
  });

  it('runs the remaining hooks when one fails, and exits 1', async () => {
    await buildApp();
    const closed: string[] = [];
    const exits: number[] = [];
    control = gracefulShutdown(app, {
      signals: [SIGNAL],
      drainMs: 0,
      closeHooks: [
        { name: 'relay', close: async () => Promise.reject(new Error('stuck')) },
        { name: 'database', close: async () => void closed.push('database') },
      ],
      exit: (code) => exits.push(code),
    });
    expect(await control.shutdown('test')).toBe(1);
    expect(closed).toEqual(['database']);
    expect(exits).toEqual([1]);
  });

  it('exits 1 at once on a second signal, and stops listening when disposed', async () => {
    await buildApp();
    const exits: number[] = [];
    control = gracefulShutdown(app, { signals: [SIGNAL], drainMs: 50, exit: (code) => exits.push(code) });
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    expect(exits).toEqual([1]);
    await control.shutdown('test');
    control.dispose();
    expect(process.listenerCount(SIGNAL)).toBe(0);
  });
});
