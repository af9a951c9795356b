// A kernel stand-in for sampler tests: cumulative maps the test sets, a
// monotonic clock it moves, exits it reports.
import type { RawSnapshot, Source } from '../../src/data/kernel/source.js';
import { counter, errnoRec, exitRec, type CountsSpec } from './build.js';

export const SENDMSG = 0;
export const RECVMSG = 1;
export const SENDMMSG = 2;

/** A kernel stand-in: cumulative maps the test sets, a monotonic clock it moves. */
export class FakeSource implements Source {
  readonly probes = 'sock' as const;
  monoNs = 1_000_000_000n;
  counters = new Map<string, Buffer>();
  errnos = new Map<string, Buffer>();
  threads: Buffer[] = [];
  peers: Buffer[] = [];
  sizes: Buffer[] = [];
  procs: Buffer[] = [];
  /** Processes the kernel reported exited: their records go out once more, then never. */
  exits: [number, bigint][] = [];
  stats = new BigUint64Array(8);
  runTimeNs = 0;
  runCount = 0;
  forgotten: string[] = [];
  watched: (number | null)[] = [];
  emit: (buf: Buffer) => void = () => {};

  set(tgid: number, sys: number, startNs: bigint, c: CountsSpec): void {
    this.counters.set(`${tgid}:${startNs}:${sys}`, counter(tgid, sys, startNs, c));
  }
  setErrno(tgid: number, sys: number, err: number, startNs: bigint, n: number): void {
    this.errnos.set(`${tgid}:${startNs}:${sys}:${err}`, errnoRec(tgid, sys, err, startNs, n));
  }
  tick(sec: number): void {
    this.monoNs += BigInt(sec * 1e9);
  }
  /** As the addon does when the kernel reports an exit: the next snapshot
   * carries the process's final records and its exit, later ones nothing. */
  kernelExit(tgid: number, startNs: bigint): void {
    this.exits.push([tgid, startNs]);
  }
  snapshot(): RawSnapshot {
    const counters = Buffer.concat([...this.counters.values()]);
    const errnos = Buffer.concat([...this.errnos.values()]);
    const exited = Buffer.concat(this.exits.map(([tgid, startNs]) => exitRec(tgid, startNs)));
    for (const [tgid, startNs] of this.exits.splice(0)) this.drop(tgid, startNs);
    return {
      monoNs: this.monoNs,
      counters,
      errnos,
      exited,
      threads: Buffer.concat(this.threads),
      peers: Buffer.concat(this.peers),
      sizes: Buffer.concat(this.sizes),
      procs: Buffer.concat(this.procs),
      stats: this.stats,
      prog: { runTimeNs: this.runTimeNs, runCount: this.runCount, missed: 4 },
      probes: 'sock',
      probesReason: 'cheapest: sock tracepoints on 6.18',
      ipc: { mode: 'auto', tracing: false, since: null },
    };
  }
  onEvents(cb: (buf: Buffer) => void): void {
    this.emit = cb;
  }
  watch(tgid: number | null): void {
    this.watched.push(tgid);
  }
  setGlobalEvents(): void {}
  forget(tgid: number, startNs: bigint): void {
    this.forgotten.push(`${tgid}:${startNs}`);
    this.drop(tgid, startNs);
  }
  private drop(tgid: number, startNs: bigint): void {
    for (const m of [this.counters, this.errnos]) {
      for (const k of m.keys()) if (k.startsWith(`${tgid}:${startNs}:`)) m.delete(k);
    }
  }
  close(): void {}
}

