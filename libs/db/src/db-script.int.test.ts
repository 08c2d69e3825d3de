import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

/** Runs `tsx scripts/db.ts ...args` from the repository root. */
function runDbScript(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsx, 'scripts/db.ts', ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/db.ts', () => {
  it('explains how to start PostgreSQL when it cannot be reached, without a stack trace', async () => {
    const result = await runDbScript(['migrate'], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/hexbase' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach PostgreSQL at postgresql://postgres@127.0.0.1:1/hexbase');
    expect(result.stderr).toContain('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('prints its usage and fails on an incomplete command', async () => {
    const result = await runDbScript(['create', 'records']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('create <service> <name>');
  });
});
