// What msgtop itself costs: its BPF programs' CPU time, its own process
// CPU and memory, and how long its event loop was blocked.
import type { Counts, Model, ProbeMode } from '../model/model.js';
import { delta1 } from '../model/counts.js';
import type { RawSnapshot } from '../kernel/source.js';

/** Where msgtop's own CPU time, wall clock and memory are read from. */
export interface ProcessClock {
  /** User + system CPU µs since start. */
  cpuUs(): number;
  /** Monotonic ns. */
  hrNs(): bigint;
  rssBytes(): number;
  /** The longest the event loop waited since the last call, in ms. */
  loopStallMs(): number;
}

/** A 10 ms timer that notes the longest gap between its ticks beyond its
 * period. (perf_hooks' monitorEventLoopDelay drops the first gap after each
 * reset, which is the very frame that reads it.) */
class StallMeter {
  private last = performance.now();
  private max = 0;

  constructor() {
    setInterval(() => {
      const now = performance.now();
      this.max = Math.max(this.max, now - this.last - 10);
      this.last = now;
    }, 10).unref();
  }

  take(): number {
    const max = this.max;
    this.max = 0;
    return max;
  }
}

let stalls: StallMeter | null = null;

const OWN: ProcessClock = {
  cpuUs: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  hrNs: () => process.hrtime.bigint(),
  rssBytes: () => process.memoryUsage.rss(),
  loopStallMs: () => (stalls ??= new StallMeter()).take(),
};

export class CostMeter {
  private prevRunTimeNs = 0;
  private prevRunCount = 0;
  private nsPerRun = 0;
  private bpfNsPerSec = 0;
  private prevCpuUs: number;
  private prevHr: bigint;

  constructor(private readonly clock: ProcessClock = OWN) {
    this.prevCpuUs = clock.cpuUs();
    this.prevHr = clock.hrNs();
  }

  /** Now, by the clock the sample's own time is taken with. */
  started(): bigint {
    return this.clock.hrNs();
  }

  /** This interval's cost; `d` is what every process did in it, and the
   * sample began at `startedNs` (started()). */
  measure(snap: RawSnapshot, sec: number, d: { send: Counts; recv: Counts }, startedNs: bigint): Model['cost'] {
    const cpuUs = this.clock.cpuUs();
    const hr = this.clock.hrNs();
    const usedUs = cpuUs - this.prevCpuUs;
    const wallUs = Number(hr - this.prevHr) / 1000;
    const bpfNs = delta1(snap.prog.runTimeNs, this.prevRunTimeNs);
    const timedRuns = delta1(snap.prog.runCount, this.prevRunCount);
    this.prevCpuUs = cpuUs;
    this.prevHr = hr;
    this.prevRunTimeNs = snap.prog.runTimeNs;
    this.prevRunCount = snap.prog.runCount;
    // The kernel times BPF runs only in short sampled windows. The cost is
    // the last timed ns per run times this interval's runs, which the counts
    // give.
    if (timedRuns > 0) this.nsPerRun = bpfNs / timedRuns;
    if (sec > 0) this.bpfNsPerSec = (this.nsPerRun * runs(snap.probes, d)) / sec;
    return {
      // Cannot be measured: say so rather than 0 or a figure gone stale.
      bpfNsPerSec: snap.prog.timed === false ? null : this.bpfNsPerSec,
      cpuPercent: wallUs > 0 ? (usedUs / wallUs) * 100 : 0,
      rssBytes: this.clock.rssBytes(),
      loopStallMs: this.clock.loopStallMs(),
      sampleMs: Number(hr - startedNs) / 1e6,
    };
  }
}

/** Program runs the counts imply: one per message or failure at the socket
 * layer, an enter and an exit per call with syscall tracepoints, one fexit
 * per call. */
function runs(probes: ProbeMode, d: { send: Counts; recv: Counts }): number {
  const both = (k: keyof Counts): number => d.send[k] + d.recv[k];
  if (probes === 'syscalls') return 2 * both('calls');
  return probes === 'fexit' ? both('calls') : both('messages') + both('errors');
}
