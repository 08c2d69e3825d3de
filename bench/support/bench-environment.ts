import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
// Imported by file, not through '@hexbase/testing': that index also loads vitest, which refuses to run outside its runner.
import { createTestDatabase } from '../../libs/testing/src/isolation';
import { findTestServers } from '../../libs/testing/src/servers';

export { createTestDatabase, uniqueName } from '../../libs/testing/src/isolation';
export { freePort, startServiceProcess, type ServiceProcess } from '../../libs/testing/src/service-process';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The servers a benchmark uses: DATABASE_URL / RABBITMQ_URL when set, otherwise the local defaults. */
export async function benchServers(): Promise<{ databaseUrl: string; rabbitmqUrl: string }> {
  const servers = await findTestServers({ ...process.env, HEXBASE_TEST_CONTAINERS: 'off' });
  return { databaseUrl: servers.databaseUrl, rabbitmqUrl: servers.rabbitmqUrl };
}

/** A fresh database with every service's migrations applied, exactly as `npm run db:migrate` does. */
export async function migratedDatabase(serverUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const database = await createTestDatabase(serverUrl, label);
  try {
    await run(process.execPath, ['--import', 'tsx', 'scripts/db.ts', 'migrate'], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: database.url } });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}

/** Prints the line every benchmark ends with, one per measured comparison. */
export function printResult(benchmark: string, unit: string, hexbase: number, baseline: number): void {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  console.log(JSON.stringify({ benchmark, unit, hexbase: round(hexbase, 1), baseline: round(baseline, 1), ratio: round(hexbase / baseline, 3) }));
}

/** A plain text table: the first row is the header. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(line(rows[0]!));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function machineNote(): string {
  return `The load generator shares this machine (${availableParallelism()} cores) with PostgreSQL, RabbitMQ and the service under test: compare figures only within one run.`;
}
