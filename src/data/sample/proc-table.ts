// Processes seen in the kernel's counters, keyed by (tgid, start time), and
// their cumulative kernel values turned into totals since attach: sums of
// per-interval growth, so a key deleted and re-created never makes anything
// go backwards.
import type { Counts } from '../model/model.js';
import { delta, delta1, zero } from '../model/counts.js';
import { decodeCounters, decodeErrnos, startHalves, startNsOf, sysName, type CounterRec } from '../kernel/records.js';
import { startTicks, type ProcInfo } from '../proc/registry.js';
import { RateHistory } from './rate-history.js';
import { addCounts, addErrno, perSys } from './tally.js';
import type { RowSource } from './row-build.js';
import type { ArrivedDead } from './arrived-dead.js';

export interface Proc extends RowSource {
  tgid: number;
  startNs: bigint;
  /** startNs in 32-bit halves, to match counter records without a BigInt. */
  startLo: number;
  startHi: number;
  key: string;
  info: ProcInfo | null;
  /** Per enum mt_sys id: the kernel's last value, and the sample number it
   * was read in (a gap means the key vanished). */
  kernel: (Counts | undefined)[];
  seen: (number | undefined)[];
  /** Per sys << 16 | errno: the kernel's last count and when it was read
   * (made at the first failure: most processes never fail). */
  errnoKernel: Map<number, { count: number; seen: number }> | null;
  /** Sample number at which the exit was first seen. */
  exitSample: number | null;
  /** The kernel maps no longer hold it: its totals are final. */
  evicted: boolean;
}

/** The process in `list` (one pid's) that started at `startNs`. A loop, not
 * find(): it runs for every counter record of every sample. */
function inList(list: Proc[], startNs: bigint): Proc | undefined {
  for (let i = 0; i < list.length; i++) if (list[i]!.startNs === startNs) return list[i];
  return undefined;
}

export class ProcTable {
  /** By tgid; more than one when a pid was reused. */
  private readonly byPid = new Map<number, Proc[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  find(tgid: number, startNs: bigint): Proc | undefined {
    const list = this.byPid.get(tgid);
    return list && inList(list, startNs);
  }

  get(tgid: number, startNs: bigint): Proc {
    let list = this.byPid.get(tgid);
    if (!list) {
      list = [];
      this.byPid.set(tgid, list);
    }
    let p = inList(list, startNs);
    if (!p) {
      // Every field written out, in one order: a spread would give each
      // process an object shape of its own (a hot path under churn).
      const { lo, hi } = startHalves(startNs);
      p = {
        totals: perSys(),
        deltas: perSys(),
        errnos: null,
        history: new RateHistory(),
        tgid,
        startNs,
        startLo: lo,
        startHi: hi,
        key: `${tgid}:${startTicks(startNs)}`,
        info: null,
        kernel: perSys(),
        seen: perSys(),
        errnoKernel: null,
        exitSample: null,
        evicted: false,
        row: null,
      };
      list.push(p);
      this.count++;
    }
    return p;
  }

  /** Visits every process with the newest start time among those sharing
   * its pid; `visit` may remove the process it is given. Allocates nothing:
   * it runs for every process every interval. */
  each(visit: (p: Proc, newest: bigint) => void): void {
    for (const list of this.byPid.values()) {
      let newest = 0n;
      for (const p of list) if (p.startNs > newest) newest = p.startNs;
      for (let i = list.length - 1; i >= 0; i--) visit(list[i]!, newest);
    }
  }

  remove(p: Proc): void {
    const list = this.byPid.get(p.tgid);
    const i = list?.indexOf(p) ?? -1;
    if (i < 0) return;
    list!.splice(i, 1);
    if (list!.length === 0) this.byPid.delete(p.tgid);
    this.count--;
  }

  /** The process of a counter record, made if new. Matched by start_ns's
   * halves: no BigInt for a process already known. */
  private ofRecord(r: Readonly<CounterRec>): Proc {
    const list = this.byPid.get(r.tgid);
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const p = list[i]!;
        if (p.startLo === r.startLo && p.startHi === r.startHi) return p;
      }
    }
    return this.get(r.tgid, startNsOf(r));
  }

  /** Counter records of one snapshot; `onGrowth` sees every increase.
   * Those of processes in `dead` go to their tallies, not to Procs. */
  ingestCounters(buf: Buffer, sample: number, onGrowth: (sys: number, inc: Counts) => void, dead?: ArrivedDead): void {
    decodeCounters(buf, (r) => {
      if (sysName(r.sys) === null) return;
      const t = dead?.mayHold(r.tgid) ? dead.tally(r.tgid, startNsOf(r)) : undefined;
      if (t) {
        const inc = delta(r, undefined);
        addCounts(t, r.sys, inc);
        onGrowth(r.sys, inc);
        return;
      }
      const p = this.ofRecord(r);
      // A key absent from the last snapshot counts as fresh if it comes back.
      const prev = p.seen[r.sys] === sample - 1 ? p.kernel[r.sys] : undefined;
      const inc = delta(r, prev);
      // A copy: the decoder reuses its record.
      const k = (p.kernel[r.sys] ??= zero());
      k.calls = r.calls;
      k.messages = r.messages;
      k.bytes = r.bytes;
      k.errors = r.errors;
      p.seen[r.sys] = sample;
      addCounts(p, r.sys, inc);
      onGrowth(r.sys, inc);
    });
  }

  ingestErrnos(buf: Buffer, sample: number, dead?: ArrivedDead): void {
    for (const r of decodeErrnos(buf)) {
      if (sysName(r.sys) === null) continue;
      const t = dead?.tally(r.tgid, r.startNs);
      if (t) {
        addErrno(t, r.sys, r.err, r.count, r.count);
        continue;
      }
      const p = this.get(r.tgid, r.startNs);
      const ek = (r.sys << 16) | r.err;
      const k = (p.errnoKernel ??= new Map()).get(ek);
      const inc = delta1(r.count, k && k.seen === sample - 1 ? k.count : undefined);
      p.errnoKernel.set(ek, { count: r.count, seen: sample });
      addErrno(p, r.sys, r.err, inc, inc);
    }
  }
}
