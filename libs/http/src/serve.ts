import { setTimeout as sleep } from 'node:timers/promises';
import type { Readiness } from '@hexbase/observability';
import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/** Starts listening and resolves with the address, e.g. `http://127.0.0.1:4101`. */
export async function listenAndServe(app: FastifyInstance, options: ListenOptions): Promise<string> {
  return app.listen({ host: options.host, port: options.port });
}

/** Something to close after the HTTP server, such as a consumer, the outbox relay or a pool. */
export interface CloseHook {
  name: string;
  close: () => Promise<void> | void;
}

export interface GracefulShutdownOptions {
  /** Turned to draining first. Defaults to `app.readiness` from `createHttpApp`. */
  readiness?: Readiness;
  /** Called as draining starts, to stop taking new work that does not come over HTTP. */
  onDrain?: () => Promise<void> | void;
  /** Time for load balancers to see readiness fail before the server stops accepting. Default 5 s. */
  drainMs?: number;
  /** Run one after the other, in this order, once in-flight requests have finished. */
  closeHooks?: CloseHook[];
  /** Exit with 1 if shutting down takes longer. Default 30 s (Kubernetes' default grace period). */
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
  /** How to end the process; `process.exit` unless a test needs to watch it. */
  exit?: (code: number) => void;
}

export interface ShutdownControl {
  /** Shuts down as a signal would; resolves with the exit code passed to `exit`. Safe to call more than once. */
  shutdown(reason: string): Promise<number>;
  /** Removes the signal listeners. */
  dispose(): void;
}

export const DEFAULT_DRAIN_MS = 5_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * On SIGTERM or SIGINT: readiness turns to draining, `onDrain` runs, the drain period passes,
 * the server stops accepting and waits for in-flight requests, the close hooks run in order,
 * and the process exits 0 (1 if a step failed or the timeout passed). A second signal exits
 * at once with 1.
 */
export function gracefulShutdown(app: FastifyInstance, options: GracefulShutdownOptions = {}): ShutdownControl {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const readiness = options.readiness ?? (app.hasDecorator('readiness') ? app.readiness : undefined);
  let running: Promise<number> | undefined;

  async function run(reason: string): Promise<number> {
    app.log.info({ reason }, 'shutting down: draining');
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs: options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out');
      exit(1);
    }, options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS);
    deadline.unref();

    let failed = false;
    const step = async (name: string, action: () => Promise<void> | void): Promise<void> => {
      try {
        await action();
      } catch (error) {
        failed = true;
        app.log.error({ err: error, step: name }, 'shutdown step failed');
      }
    };

    readiness?.startDraining();
    if (options.onDrain) await step('onDrain', options.onDrain);
    await sleep(options.drainMs ?? DEFAULT_DRAIN_MS);
    await step('http server', () => closeHttpServer(app));
    for (const hook of options.closeHooks ?? []) await step(hook.name, hook.close);

    clearTimeout(deadline);
    const code = failed ? 1 : 0;
    app.log.info({ code }, 'shutdown complete');
    exit(code);
    return code;
  }

  function shutdown(reason: string): Promise<number> {
    running ??= run(reason);
    return running;
  }

  function onSignal(signal: NodeJS.Signals): void {
    if (running) {
      app.log.warn({ signal }, 'second signal during shutdown: exiting now');
      exit(1);
      return;
    }
    void shutdown(signal);
  }

  for (const signal of signals) process.on(signal, onSignal);
  return {
    shutdown,
    dispose: () => {
      for (const signal of signals) process.off(signal, onSignal);
    },
  };
}

/**
 * `app.close()` resolves once every connection has ended. Node closes the idle keep-alive
 * connections when the server closes, but one whose request was still in flight then turns idle
 * afterwards and stays open until the client drops it (minutes, for a pooling client), so close
 * connections as they turn idle until the server has closed.
 */
async function closeHttpServer(app: FastifyInstance): Promise<void> {
  const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(closeIdle);
  }
}
