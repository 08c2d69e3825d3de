import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  /** Operations that completed inside the measured window. */
  completed: number;
  failed: number;
  firstError: unknown;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time per wall second over the window (1.0 = one core busy). */
  cpu: CpuShare;
}

export interface CpuShare {
  machine: number;
  loadGenerator: number;
  /** The process under test, when a pid was given. */
  target: number | undefined;
}

/**
 * Runs `operation` from `concurrency` workers back to back (a closed loop): first for `warmupMs`
 * unmeasured, then for `durationMs` counting only operations that finish inside that window.
 * Failed operations are counted, not retried.
 */
export async function runClosedLoop(options: { concurrency: number; warmupMs: number; durationMs: number; targetPid?: number }, operation: (worker: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: unknown;
  const startedAt = performance.now();
  const windowStart = startedAt + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let cpuAtStart: CpuSample | undefined;
  const cpuStart = new Promise<void>((resolve) =>
    setTimeout(() => {
      void sampleCpu(options.targetPid).then((sample) => ((cpuAtStart = sample), resolve()));
    }, options.warmupMs),
  );

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

  const cpuEnd = new Promise<CpuSample>((resolve) => setTimeout(() => void sampleCpu(options.targetPid).then(resolve), options.warmupMs + options.durationMs));
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  await cpuStart;
  const cpuAtEnd = await cpuEnd;
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
    cpu: cpuShare(cpuAtStart!, cpuAtEnd),
  };
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

interface CpuSample {
  at: number;
  machineBusyTicks: number;
  selfMicros: number;
  targetTicks: number | undefined;
}

const TICKS_PER_SECOND = 100;

/** CPU counters from /proc (Linux); zeros elsewhere, which only blanks the CPU columns. */
export async function sampleCpu(targetPid?: number): Promise<CpuSample> {
  const usage = process.cpuUsage();
  const sample: CpuSample = { at: performance.now(), machineBusyTicks: 0, selfMicros: usage.user + usage.system, targetTicks: undefined };
  try {
    const [cpuLine] = (await readFile('/proc/stat', 'utf8')).split('\n');
    const fields = cpuLine!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    sample.machineBusyTicks = fields.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
    if (targetPid !== undefined) sample.targetTicks = await processTicks(targetPid);
  } catch {
    // Not Linux: no CPU figures.
  }
  return sample;
}

async function processTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function cpuShare(start: CpuSample, end: CpuSample): CpuShare {
  const seconds = (end.at - start.at) / 1000;
  return {
    machine: (end.machineBusyTicks - start.machineBusyTicks) / TICKS_PER_SECOND / seconds,
    loadGenerator: (end.selfMicros - start.selfMicros) / 1e6 / seconds,
    target: start.targetTicks === undefined || end.targetTicks === undefined ? undefined : (end.targetTicks - start.targetTicks) / TICKS_PER_SECOND / seconds,
  };
}
