/**
 * Runs every bench/*.bench.ts one after another (never two at once: they would measure each
 * other), streaming their output. Exits non-zero if any of them failed; the others still run.
 *
 *   npm run bench                      every benchmark
 *   npm run bench -- relay-drain       only those whose file name contains one of the words
 */
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

const files = (await readdir(benchDir))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

if (files.length === 0) {
  console.error(`no bench/*.bench.ts${filters.length > 0 ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(1);
}

/** Runs one benchmark with the output inherited; resolves with its exit code (or the signal that ended it). */
function runBenchmark(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${file}`], { cwd: repoRoot, stdio: 'inherit' });
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

const failed = [];
for (const file of files) {
  console.log(`\n=== ${file}`);
  const startedAt = Date.now();
  const outcome = await runBenchmark(file);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  if (outcome === 0) {
    console.log(`=== ${file}: done in ${seconds} s`);
  } else {
    console.log(`=== ${file}: FAILED (${typeof outcome === 'number' ? `exit code ${outcome}` : outcome}) after ${seconds} s`);
    failed.push(file);
  }
}

if (failed.length > 0) {
  console.error(`\n${failed.length} of ${files.length} benchmarks failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nall ${files.length} benchmarks passed`);
