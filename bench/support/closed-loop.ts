import { performance } from 'node:perf_hooks';
import { cpuShare, sampleCpu, type CpuSample, type CpuShare, type CpuSubjects } from './cpu-usage';

export interface LoadResult {
  /** Operations that completed inside the measured window(s). */
  completed: number;
  failed: number;
  firstError: unknown;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpu: CpuShare;
  /** Every latency in ms, sorted. */
  latencies: number[];
}

/**
 * Runs `operation` from `concurrency` workers back to back (a closed loop): first for `warmupMs`
 * unmeasured, then for `durationMs` counting only operations that finish inside that window.
 * Failed operations are counted, not retried. Each call gets its worker's index (0-based).
 */
export async function runClosedLoop(options: { concurrency: number; warmupMs: number; durationMs: number } & CpuSubjects, operation: (worker: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: unknown;
  const windowStart = performance.now() + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const cpuAt = (delayMs: number) => new Promise<CpuSample>((resolve) => setTimeout(() => void sampleCpu(options).then(resolve), delayMs));
  const cpuAtStart = cpuAt(options.warmupMs);
  const cpuAtEnd = cpuAt(options.warmupMs + options.durationMs);

  async function worker(index: number): Promise<void> {
    while (performance.now() < windowEnd) {
      const begin = performance.now();
      try {
        await operation(index);
        const end = performance.now();
        if (begin >= windowStart && end <= windowEnd) latencies.push(end - begin);
      } catch (error) {
        if (begin >= windowStart) failed++;
        firstError ??= error;
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  const seconds = options.durationMs / 1000;
  latencies.sort((a, b) => a - b);
  return {
    completed: latencies.length,
    failed,
    firstError,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    cpu: cpuShare(await cpuAtStart, await cpuAtEnd),
    latencies,
  };
}

/** Several measured windows of the same side (rounds interleaved with the other side) as one result. */
export function combineWindows(windows: LoadResult[]): LoadResult {
  const latencies = windows.flatMap((window) => window.latencies).sort((a, b) => a - b);
  const seconds = windows.reduce((sum, window) => sum + window.seconds, 0);
  const average = (pick: (cpu: CpuShare) => number | undefined) => {
    if (windows.some((window) => pick(window.cpu) === undefined)) return undefined;
    return windows.reduce((sum, window) => sum + pick(window.cpu)! * window.seconds, 0) / seconds;
  };
  return {
    completed: latencies.length,
    failed: windows.reduce((sum, window) => sum + window.failed, 0),
    firstError: windows.find((window) => window.firstError !== undefined)?.firstError,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    cpu: {
      machine: average((cpu) => cpu.machine)!,
      loadGenerator: average((cpu) => cpu.loadGenerator)!,
      target: average((cpu) => cpu.target),
      database: average((cpu) => cpu.database),
      broker: average((cpu) => cpu.broker),
    },
    latencies,
  };
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}
