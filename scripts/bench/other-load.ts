/**
 * How much CPU other processes took while a workload ran: on a small shared machine a test run
 * or a compiler next door changes the figures, and the report should say so. Linux only
 * (reads /proc); elsewhere it reports nothing.
 *
 * Ours: this process, and the PostgreSQL server's processes except the backends of other
 * databases' sessions (a test suite using the same server is someone else's load). Other:
 * the machine's busy time minus ours, so short-lived processes are counted too; that includes
 * autovacuum workers that came and went during the workload.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Sample {
  at: number;
  machineBusy: number;
  ourProcesses: Map<number, number>;
  self: NodeJS.CpuUsage;
}

function machineBusyTicks(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const [user, nice, system, , , irq, softirq] = fields.map(Number);
  return user + nice + system + irq + softirq;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/** CPU ticks of every PostgreSQL process that is not a session of another database. */
function postgresTicks(ourDatabasePrefix: string): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat?.includes('(postgres)')) continue;
    const cmdline = (read(`/proc/${entry}/cmdline`) ?? '').replaceAll('\0', ' ');
    const isSession = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(cmdline);
    if (isSession && !cmdline.includes(ourDatabasePrefix)) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12])); // utime, stime
  }
  return ticks;
}

export class OtherLoad {
  private readonly available = existsSync('/proc/stat');

  constructor(private readonly ourDatabasePrefix: string) {}

  start(): Sample | undefined {
    if (!this.available) return undefined;
    return {
      at: performance.now(),
      machineBusy: machineBusyTicks(),
      ourProcesses: postgresTicks(this.ourDatabasePrefix),
      self: process.cpuUsage(),
    };
  }

  /** Cores' worth of CPU other processes used on average since `sample`. */
  stop(sample: Sample | undefined): number | undefined {
    return this.split(sample)?.otherCores;
  }

  /**
   * Since `sample`: cores' worth of CPU other processes used, and the CPU seconds of ours,
   * this process (the client) and the PostgreSQL server's (backends of our databases and the
   * server's own processes). Ours divided by the events is a cost per event that other load
   * changes much less than it changes throughput.
   */
  split(
    sample: Sample | undefined,
  ): { otherCores: number; clientSeconds: number; serverSeconds: number } | undefined {
    if (!sample) return undefined;
    const seconds = (performance.now() - sample.at) / 1000;
    const busy = (machineBusyTicks() - sample.machineBusy) / TICKS_PER_SECOND;
    let postgres = 0;
    for (const [pid, ticks] of postgresTicks(this.ourDatabasePrefix)) {
      postgres += (ticks - (sample.ourProcesses.get(pid) ?? 0)) / TICKS_PER_SECOND;
    }
    const self = process.cpuUsage(sample.self);
    const client = (self.user + self.system) / 1e6;
    return {
      otherCores: Math.max(0, busy - postgres - client) / seconds,
      clientSeconds: client,
      serverSeconds: postgres,
    };
  }
}
