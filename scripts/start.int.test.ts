import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '@hexbase/testing';

const root = fileURLToPath(new URL('..', import.meta.url));

function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/start.mjs'], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('npm start', () => {
  it('names the server it cannot reach and how to start it, without a stack trace', async () => {
    const closed = await freePort();
    const { code, output } = await runStart({ RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${closed}` });
    expect(code).toBe(1);
    expect(output).toContain(`RabbitMQ is not reachable at amqp://***@127.0.0.1:${closed} (RABBITMQ_URL)`);
    expect(output).toContain('rabbitmq-server -detached');
    expect(output).not.toContain('PostgreSQL is not reachable');
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
