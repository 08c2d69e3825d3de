import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoPath } from './deploy-manifest';

/** `readString(env, 'HEXBASE_EXCHANGE', ...)` and every other `read<Kind>(env, 'NAME'` of libs/config. */
const READ_CALL = /\bread[A-Z]\w*\(\s*\w+\s*,\s*['"]([A-Z][A-Z0-9_]*)['"]/g;
/** `env.NAME`, `process.env.NAME`, `env['NAME']`. */
const ENV_ACCESS = /\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(dir, file).split(/[\\/]/).includes('generated'));
}

function namesIn(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(READ_CALL)) names.add(match[1]!);
    for (const match of text.matchAll(ENV_ACCESS)) names.add((match[1] ?? match[2])!);
  }
  return names;
}

export interface ConfigEnvNames {
  /** Read by libs/config: every process needs these. */
  common: Set<string>;
  /** Read anywhere in the libraries, services or scripts: a deploy file may set only these. */
  known: Set<string>;
}

/**
 * The configuration variables the code reads, found in the sources rather than listed a
 * second time here, so that a renamed variable fails the deploy tests. `<SERVICE>_PORT` is
 * built by libs/config from the service name, so it is checked against deploy/services.json.
 */
export function configEnvNames(): ConfigEnvNames {
  const common = namesIn(sourceFiles(repoPath('libs/config/src')));
  const libs = readdirSync(repoPath('libs')).flatMap((lib) => sourceFiles(repoPath(`libs/${lib}/src`)));
  const services = readdirSync(repoPath('services')).flatMap((service) => sourceFiles(repoPath(`services/${service}/src`)));
  const scripts = sourceFiles(repoPath('scripts'));
  return { common, known: new Set([...common, ...namesIn([...libs, ...services, ...scripts])]) };
}

/** What a process container must receive: everything libs/config reads, and its port. */
export function processEnvNames(names: ConfigEnvNames, portEnv: string): Set<string> {
  return new Set([...names.common, portEnv]);
}

/** The migrate job connects to PostgreSQL only. */
export const MIGRATE_ENV_NAMES: ReadonlySet<string> = new Set(['DATABASE_URL']);

/** Every required name is given, and every given name is one the code reads. */
export function envProblems(where: string, provided: Iterable<string>, required: ReadonlySet<string>, names: ConfigEnvNames): string[] {
  const given = new Set(provided);
  const problems: string[] = [];
  for (const name of required) if (!given.has(name)) problems.push(`${where}: ${name} is not set`);
  for (const name of given) {
    if (!names.known.has(name) && !required.has(name)) problems.push(`${where}: ${name} is set but no code reads it`);
  }
  return problems;
}
