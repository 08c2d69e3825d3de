import { pino, stdTimeFunctions, type DestinationStream, type LevelWithSilentOrString, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  /** A pino level name or 'silent'; an unknown name throws. Default 'info'. */
  level?: LevelWithSilentOrString;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/**
 * Keys whose values never reach a log line, whatever object they sit in (up to four levels deep,
 * which covers `req.headers.*` and `err.config.headers.*`).
 */
export const REDACTED_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'apiKey',
  'api_key',
  'privateKey',
] as const;

export const REDACTED = '[REDACTED]';

const MAX_DEPTH = 4;

export function redactionPaths(keys: readonly string[] = REDACTED_KEYS): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const accessor = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const prefix = '*.'.repeat(depth).replace(/\.$/, '');
      paths.push(prefix === '' ? accessor.replace(/^\./, '') : `${prefix}${accessor}`);
    }
  }
  return paths;
}

/** The service's root logger: JSON lines with `service` and `pid` on each, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactionPaths(), censor: REDACTED },
    },
    options.destination,
  );
}
