import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/** Cores busy on average over a window (1.0 = one core), from /proc; undefined where unknown. */
export interface CpuShare {
  /** Every process on the machine. */
  machine: number;
  /** This benchmark process (the load generator, or the baseline's client). */
  loadGenerator: number;
  /** The service process under test. */
  target: number | undefined;
  /** PostgreSQL backends connected to the benchmark's database. */
  database: number | undefined;
  /** The RabbitMQ server. */
  broker: number | undefined;
}

/** What to account for besides the machine and this process. */
export interface CpuSubjects {
  targetPid?: number;
  databaseName?: string;
  brokerPid?: number;
}

export interface CpuSample {
  at: number;
  machineBusyTicks: number;
  selfMicros: number;
  targetTicks: number | undefined;
  brokerTicks: number | undefined;
  /** Ticks of each backend of the database, by pid. */
  backendTicks: Map<number, number> | undefined;
}

const TICKS_PER_SECOND = 100;

/** CPU counters now. Off Linux only this process is known, which blanks the other columns. */
export async function sampleCpu(of: CpuSubjects): Promise<CpuSample> {
  const usage = process.cpuUsage();
  const sample: CpuSample = { at: performance.now(), machineBusyTicks: 0, selfMicros: usage.user + usage.system, targetTicks: undefined, brokerTicks: undefined, backendTicks: undefined };
  try {
    const [cpuLine] = (await readFile('/proc/stat', 'utf8')).split('\n');
    const fields = cpuLine!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
    sample.machineBusyTicks = fields.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
    if (of.targetPid !== undefined) sample.targetTicks = await processTicks(of.targetPid);
    if (of.brokerPid !== undefined) sample.brokerTicks = await processTicks(of.brokerPid);
    if (of.databaseName !== undefined) sample.backendTicks = await backendTicks(of.databaseName);
  } catch {
    // Not Linux, or a process ended: no figures for this window.
  }
  return sample;
}

export function cpuShare(start: CpuSample, end: CpuSample): CpuShare {
  const seconds = (end.at - start.at) / 1000;
  const share = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? undefined : (to - from) / TICKS_PER_SECOND / seconds);
  return {
    machine: (end.machineBusyTicks - start.machineBusyTicks) / TICKS_PER_SECOND / seconds,
    loadGenerator: (end.selfMicros - start.selfMicros) / 1e6 / seconds,
    target: share(start.targetTicks, end.targetTicks),
    database: start.backendTicks && end.backendTicks ? sumOfGrowth(start.backendTicks, end.backendTicks) / TICKS_PER_SECOND / seconds : undefined,
    broker: share(start.brokerTicks, end.brokerTicks),
  };
}

/** Machine time not spent by any process this benchmark accounts for: other work on a shared machine. */
export function otherProcesses(cpu: CpuShare): number {
  return Math.max(0, cpu.machine - cpu.loadGenerator - (cpu.target ?? 0) - (cpu.database ?? 0) - (cpu.broker ?? 0));
}

/** The pid of the first process whose command name is `name` (e.g. `beam.smp`), if any. */
export async function findProcess(name: string): Promise<number | undefined> {
  try {
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const command = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
      if (command.trim() === name) return Number(entry);
    }
  } catch {
    // Not Linux.
  }
  return undefined;
}

async function processTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** PostgreSQL backends name their database in their process title: `postgres: 15/main: user db 127.0.0.1(port) state`. */
async function backendTicks(databaseName: string): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const title = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${databaseName} `)) ticks.set(pid, await processTicks(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}

/** Backends that started during the window count in full; those that ended are lost (pools keep theirs open). */
function sumOfGrowth(start: Map<number, number>, end: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ticks] of end) sum += ticks - (start.get(pid) ?? 0);
  return sum;
}
