import { createLogger } from '@hexbase/observability';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app';
import { gracefulShutdown, listenAndServe, type ShutdownControl } from './serve';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

let app: FastifyInstance;
let control: ShutdownControl | undefined;
afterEach(async () => {
  control?.dispose();
  await app?.close();
});

describe('graceful shutdown of a listening server', () => {
  it('lets an in-flight request finish, refuses new connections, then runs the close hooks', async () => {
    app = await createHttpApp({ service: 'test', logger: createLogger({ service: 'test', level: 'silent' }), openapi: { title: 'Test', version: '1.0.0' } });
    const handlerEntered = deferred();
    const closing = deferred();
    const events: string[] = [];
    app.get('/slow', async () => {
      handlerEntered.resolve();
      await closing.promise;
      events.push('slow request finished');
      return { done: true };
    });
    app.addHook('preClose', async () => closing.resolve());
    const address = await listenAndServe(app, { host: '127.0.0.1', port: 0 });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const inFlight = fetch(`${address}/slow`);
    await handlerEntered.promise;
    const exits: number[] = [];
    control = gracefulShutdown(app, {
      signals: [],
      drainMs: 50,
      closeHooks: [{ name: 'database', close: () => void events.push('database closed') }],
      exit: (code) => exits.push(code),
    });
    const shutdown = control.shutdown('test');

    const ready = await fetch(`${address}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining' });

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await shutdown).toBe(0);
    expect(exits).toEqual([0]);
    expect(events).toEqual(['slow request finished', 'database closed']);
    await expect(fetch(`${address}/health/live`)).rejects.toThrow();
  });
});
