import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { eventually } from './eventually';

const run = promisify(execFile);

/**
 * Stops and starts the run's local RabbitMQ node, for tests of what happens while it is down.
 * Such tests must be e2e (they run one file at a time) and always restart it.
 *
 * The whole node is restarted rather than `rabbitmqctl stop_app` / `start_app`: on RabbitMQ 3.10,
 * `start_app` does not bring back the supervisor of at-least-once dead-lettering, after which
 * every new quorum queue with that strategy fails to start (INTERNAL_ERROR).
 */
export async function stopBroker(): Promise<void> {
  await run('rabbitmqctl', ['stop'], { timeout: 60_000 });
}

export async function startBroker(rabbitmqUrl: string): Promise<void> {
  await run('rabbitmq-server', ['-detached'], { timeout: 60_000 });
  // `await_startup` fails at once until the detached node has registered itself, so ask again.
  await eventually(() => run('rabbitmqctl', ['await_startup', '--timeout', '60'], { timeout: 70_000 }).then(() => true), {
    timeoutMs: 120_000,
    intervalMs: 250,
    what: 'the RabbitMQ node to start',
  });
  await eventually(
    async () => {
      const connection = await amqplib.connect(rabbitmqUrl);
      await connection.close();
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'RabbitMQ to accept connections again' },
  );
}

/** Runs `work` while the broker is stopped; the broker is started again whatever happens. */
export async function whileBrokerIsDown<T>(rabbitmqUrl: string, work: () => Promise<T>): Promise<T> {
  await stopBroker();
  try {
    return await work();
  } finally {
    await startBroker(rabbitmqUrl);
  }
}
