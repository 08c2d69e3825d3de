#!/usr/bin/env node
// `npm start`: installs what is missing, checks the servers, generates the Prisma clients,
// applies migrations and runs every Hexbase process, printing where to reach them.
// Plain Node (no dependencies): it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
const defaults = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/hexbase',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
};
for (const [name, value] of Object.entries(defaults)) env[name] ||= value;

const servers = [
  { name: 'PostgreSQL', variable: 'DATABASE_URL', port: 5432, start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' },
  { name: 'Redis', variable: 'REDIS_URL', port: 6379, start: 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no' },
  { name: 'RabbitMQ', variable: 'RABBITMQ_URL', port: 5672, start: 'rabbitmq-server -detached' },
];

function step(message) {
  console.log(`\u001b[1m==>\u001b[0m ${message}`);
}

function fail(message) {
  console.error(`\n\u001b[31mnpm start: ${message}\u001b[0m`);
  process.exit(1);
}

function run(command, args, what) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) fail(`${what} failed (exit code ${result.status}); see the output above.`);
}

function installNeeded() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker) || !existsSync(join(root, 'node_modules', '.bin', 'tsx'))) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

function reachable(url, fallbackPort) {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || fallbackPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

if (installNeeded()) {
  step('Installing dependencies (npm install)');
  run('npm', ['install', '--no-audit', '--no-fund'], 'npm install');
}

step('Checking the servers');
const missing = [];
for (const server of servers) {
  if (!(await reachable(env[server.variable], server.port))) missing.push(server);
}
if (missing.length > 0) {
  fail(
    missing
      .map((server) => `${server.name} is not reachable at ${env[server.variable].replace(/\/\/[^@/]*@/, '//***@')} (${server.variable}).\n  Start it with: ${server.start}\n  or set ${server.variable} to where it runs.`)
      .join('\n'),
  );
}

step('Generating Prisma clients');
run('npm', ['run', '--silent', 'db:generate'], 'Generating the Prisma clients');
step('Applying migrations');
run('npm', ['run', '--silent', 'db:migrate'], 'Applying the migrations');

const manifest = JSON.parse(readFileSync(join(root, 'deploy', 'services.json'), 'utf8'));
const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined))).then(() => process.exit(code));
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

step(`Starting ${manifest.processes.map((entry) => entry.name).join(', ')}`);
const width = Math.max(...manifest.processes.map((entry) => entry.name.length));
for (const entry of manifest.processes) {
  const port = env[entry.portEnv] || String(entry.port);
  const child = spawn(process.execPath, ['--import', 'tsx', entry.entry], { cwd: root, env: { ...env, [entry.portEnv]: port }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `${entry.name.padEnd(width)} | `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) console.log(prefix + line);
    });
  }
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping the others`);
      stopAll(1);
    }
  });
  children.push({ entry, child, url: `http://${env.HOST || '127.0.0.1'}:${port}` });
}

const readiness = await Promise.all(children.map(({ url, child }) => waitReady(url, child)));
if (stopping) process.exit(1);
console.log('');
for (const [index, { entry, url }] of children.entries()) {
  console.log(`  ${readiness[index] ? '\u001b[32mready\u001b[0m' : '\u001b[33mnot ready\u001b[0m'}  ${entry.name.padEnd(width)}  ${url}  (API docs: ${url}/docs)`);
}
console.log('\nHexbase is running. Press Ctrl-C to stop.\n');
