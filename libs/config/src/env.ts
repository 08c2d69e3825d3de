import { HexbaseError } from '@hexbase/contracts';

type Env = Record<string, string | undefined>;

function configError(name: string, rule: string, message: string): HexbaseError {
  return new HexbaseError('INVALID_CONFIGURATION', 'validation', message, [{ field: name, rule, message }]);
}

export function readString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function readInt(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw configError(name, 'integer', `${name} must be an integer, got "${raw}"`);
  if (range.min !== undefined && value < range.min) throw configError(name, 'minimum', `${name} must be >= ${range.min}`);
  if (range.max !== undefined && value > range.max) throw configError(name, 'maximum', `${name} must be <= ${range.max}`);
  return value;
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw configError(name, 'boolean', `${name} must be true or false, got "${raw}"`);
}

export function readUrl(env: Env, name: string, fallback: string, protocols: string[]): string {
  const value = readString(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw configError(name, 'url', `${name} must be a URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw configError(name, 'protocol', `${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}

export function readOneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const value = readString(env, name, fallback);
  if (!(allowed as readonly string[]).includes(value)) throw configError(name, 'enum', `${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** A comma-separated list of delays in milliseconds, e.g. `1000,5000,30000`. */
export function readDelays(env: Env, name: string, fallback: number[]): number[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const delays = raw.split(',').map((part) => Number(part.trim()));
  if (delays.some((delay) => !Number.isInteger(delay) || delay < 1)) throw configError(name, 'delays', `${name} must be comma-separated positive integers (milliseconds)`);
  return delays;
}
