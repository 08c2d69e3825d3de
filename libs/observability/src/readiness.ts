/**
 * One dependency check. Resolves when the dependency is usable (optionally with details to
 * report), throws when it is not. Checks that can be cancelled should honour `signal`, which
 * aborts when the check times out.
 */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void | Record<string, unknown>>;

export interface CheckResult {
  status: 'ok' | 'fail';
  durationMs: number;
  error?: string;
  [detail: string]: unknown;
}

export interface ReadinessReport {
  status: 'ok' | 'fail' | 'draining';
  checks: Record<string, CheckResult>;
}

/**
 * Whether the service should receive traffic. Draining is one-way: graceful shutdown turns it
 * on first, so load balancers stop routing here before the server closes.
 */
export interface Readiness {
  readonly draining: boolean;
  startDraining(): void;
  /** Runs every check concurrently, each bounded by the timeout. `ok` only if all pass and not draining. */
  check(): Promise<ReadinessReport>;
}

export interface ReadinessOptions {
  checks?: Record<string, ReadinessCheck>;
  /** Per check. A probe must answer faster than the orchestrator's probe timeout. */
  timeoutMs?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

export function createReadiness(options: ReadinessOptions = {}): Readiness {
  const checks = Object.entries(options.checks ?? {});
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let draining = false;

  return {
    get draining() {
      return draining;
    },
    startDraining() {
      draining = true;
    },
    async check() {
      if (draining) return { status: 'draining', checks: {} };
      const results = await Promise.all(checks.map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const));
      const allPassed = results.every(([, result]) => result.status === 'ok');
      // Draining may have started while the checks ran.
      return { status: draining ? 'draining' : allPassed ? 'ok' : 'fail', checks: Object.fromEntries(results) };
    },
  };
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const details = await Promise.race([check(controller.signal), timeout]);
    return { ...details, status: 'ok', durationMs: elapsedMs(started) };
  } catch (error) {
    return { status: 'fail', durationMs: elapsedMs(started), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
