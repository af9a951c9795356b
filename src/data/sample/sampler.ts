// Successive RawSnapshots → Models. The kernel keeps cumulative counters;
// here they become totals since attach (sums of per-interval growth, so a
// counter deleted and re-created never makes anything go backwards) and
// per-second rates over the last interval. Exited processes keep their
// final totals for lingerMs, then leave the model and the kernel maps.
// Models are immutable and share what did not change: a process that did
// nothing this interval is the same ProcessRow object as in the last Model.
import { hostname, release } from 'node:os';
import { isSend, SYSCALLS, type Counts, type ErrnoCount, type Health, type Model, type ProcessRow, type Stat } from '../model/model.js';
import { addTo, delta, delta1, isZero, perSec, sameCounts, sum, ZERO, zero } from '../model/counts.js';
import { DetailTracker } from './detail.js';
import { errnoName } from './errno.js';
import { EventLog } from './eventlog.js';
import { decodeCounters, decodeErrnos, decodeProcs, EVENT_RECORD, MT_STAT, sysName } from '../kernel/records.js';
import { Registry, startTicks, type KernelProc, type ProcInfo } from '../proc/registry.js';
import type { RawSnapshot, Source } from '../kernel/source.js';

export interface SamplerOptions {
  registry?: Registry;
  events?: EventLog;
  /** How long an exited process stays in the model (Infinity for --json). */
  lingerMs?: number;
  /** Intervals of msgs/s history kept per process (the watched one's Detail). */
  historyLen?: number;
  /** Of those, how many each ProcessRow carries (the table's sparkline). */
  rowHistoryLen?: number;
  /** Epoch ms clock. */
  now?: () => number;
}

interface ErrnoAcc {
  sys: number;
  err: number;
  total: number;
  delta: number;
  kernel: number;
  seen: number;
}

interface Proc {
  tgid: number;
  startNs: bigint;
  key: string;
  info: ProcInfo | null;
  /** Per enum mt_sys id: our totals (replaced, never mutated: rows share
   * them), this interval's growth, the kernel's last value. */
  totals: Counts[];
  deltas: Counts[];
  kernel: Counts[];
  /** Sample number each kernel[] value was read in: a gap means the key vanished. */
  seen: number[];
  /** By sys << 16 | errno. */
  errnos: Map<number, ErrnoAcc>;
  history: number[];
  bytesHistory: number[];
  /** Sample number at which the exit was first seen. */
  exitSample: number | null;
  forgotten: boolean;
  /** The row in the last Model, reused for what has not changed. */
  row: ProcessRow | null;
}

function push(ring: number[], v: number, max: number): void {
  ring.push(v);
  if (ring.length > max) ring.shift();
}

const NO_ERRNOS: ErrnoCount[] = [];

/** Last `n` values of `ring`; `prev` itself when they are the same. */
function tail(ring: readonly number[], n: number, prev: number[] | undefined): number[] {
  const from = Math.max(0, ring.length - n);
  if (prev && prev.length === ring.length - from && prev.every((v, i) => v === ring[from + i])) return prev;
  return ring.slice(from);
}

/** `prev` when it holds the same total and rate, else a new Stat. */
function stat(total: Counts, rate: Counts, prev: Stat | undefined): Stat {
  return prev && prev.total === total && sameCounts(prev.rate, rate) ? prev : { total, rate };
}

/** True when the identity fields of `row` still match `info`. */
function sameInfo(row: ProcessRow, info: ProcInfo): boolean {
  return (
    row.comm === info.comm &&
    row.cmdline === info.cmdline &&
    row.user === info.user &&
    row.uid === info.uid &&
    row.container === info.container &&
    row.cgroup === info.cgroup &&
    row.exitedAt === info.exitedAt
  );
}

export class Sampler {
  private readonly registry: Registry;
  private readonly events: EventLog;
  private readonly detail: DetailTracker;
  private readonly lingerMs: number;
  private readonly historyLen: number;
  private readonly rowHistoryLen: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly host = hostname();
  private readonly kernel = release();

  /** By tgid; more than one when a pid was reused. */
  private readonly procs = new Map<number, Proc[]>();
  private readonly global = { send: zero(), recv: zero() };
  private samples = 0;
  private delivered = 0;
  private prevMono: bigint | null = null;
  private prevRunTimeNs = 0;
  private prevRunCount = 0;
  private nsPerRun = 0;
  private bpfNsPerSec = 0;
  private prevCpu = process.cpuUsage();
  private prevHr = process.hrtime.bigint();

  constructor(
    private readonly source: Source,
    opts: SamplerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.registry = opts.registry ?? new Registry({ now: this.now });
    this.events = opts.events ?? new EventLog();
    this.detail = new DetailTracker(this.registry, this.events);
    this.lingerMs = opts.lingerMs ?? 60_000;
    this.historyLen = opts.historyLen ?? 120;
    this.rowHistoryLen = Math.min(this.historyLen, opts.rowHistoryLen ?? 10);
    this.startedAt = this.now();
    source.onEvents((buf) => {
      this.delivered += buf.length / EVENT_RECORD;
      this.events.push(buf);
    });
  }

  /** Drill into one process by its ProcessRow key (null: stop). */
  watch(key: string | null): void {
    if (key === this.detail.watchedKey) return;
    const pid = key === null ? null : Number(key.split(':')[0]);
    this.detail.watch(key, pid ?? 0);
    this.events.watch(pid);
    this.source.watch(pid);
  }

  sample(): Model {
    const snap = this.source.snapshot();
    const now = this.now();
    this.samples++;
    const sec = this.prevMono === null ? 0 : Number(snap.monoNs - this.prevMono) / 1e9;
    this.prevMono = snap.monoNs;

    const d = { send: zero(), recv: zero() };
    this.ingestCounters(snap, d);
    this.ingestErrnos(snap);
    addTo(this.global.send, d.send);
    addTo(this.global.recv, d.recv);

    const rows: ProcessRow[] = [];
    let watched: Proc | null = null;
    for (const p of this.lifecycle(now, snap)) {
      rows.push(this.row(p, sec));
      if (p.key === this.detail.watchedKey) watched = p;
      // Cleared now rather than before the next sample, so they die young.
      p.deltas.length = 0;
    }
    const history = watched ? { messages: [...watched.history], bytes: [...watched.bytesHistory] } : { messages: [], bytes: [] };

    return {
      ts: now,
      intervalMs: Math.round(sec * 1000),
      host: this.host,
      kernel: this.kernel,
      probes: snap.probes,
      ipc: { ...snap.ipc },
      uptimeMs: now - this.startedAt,
      health: health(snap, this.delivered),
      cost: this.cost(snap, sec, d),
      send: { total: { ...this.global.send }, rate: perSec(d.send, sec) },
      recv: { total: { ...this.global.recv }, rate: perSec(d.recv, sec) },
      processes: rows,
      detail: this.detail.build(snap, sec, history),
      events: this.events.recent(),
    };
  }

  private proc(tgid: number, startNs: bigint): Proc {
    let list = this.procs.get(tgid);
    if (!list) {
      list = [];
      this.procs.set(tgid, list);
    }
    let p = list.find((x) => x.startNs === startNs);
    if (!p) {
      p = {
        tgid,
        startNs,
        key: `${tgid}:${startTicks(startNs)}`,
        info: null,
        totals: [],
        deltas: [],
        kernel: [],
        seen: [],
        errnos: new Map(),
        history: [],
        bytesHistory: [],
        exitSample: null,
        forgotten: false,
        row: null,
      };
      list.push(p);
    }
    return p;
  }

  private ingestCounters(snap: RawSnapshot, d: { send: Counts; recv: Counts }): void {
    decodeCounters(snap.counters, (r) => {
      const name = sysName(r.sys);
      if (name === null) return;
      const p = this.proc(r.tgid, r.startNs);
      // A key absent from the last snapshot counts as fresh if it comes back.
      const prev = p.seen[r.sys] === this.samples - 1 ? p.kernel[r.sys] : undefined;
      const inc = delta(r, prev);
      // A copy: the decoder reuses its record.
      const k = (p.kernel[r.sys] ??= zero());
      k.calls = r.calls;
      k.messages = r.messages;
      k.bytes = r.bytes;
      k.errors = r.errors;
      p.seen[r.sys] = this.samples;
      const total = p.totals[r.sys];
      if (!total || !isZero(inc)) p.totals[r.sys] = total ? sum(total, inc) : inc;
      const d0 = p.deltas[r.sys];
      p.deltas[r.sys] = d0 ? sum(d0, inc) : inc;
      addTo(isSend(name) ? d.send : d.recv, inc);
    });
  }

  private ingestErrnos(snap: RawSnapshot): void {
    for (const list of this.procs.values()) for (const p of list) for (const e of p.errnos.values()) e.delta = 0;
    for (const r of decodeErrnos(snap.errnos)) {
      if (sysName(r.sys) === null) continue;
      const errnos = this.proc(r.tgid, r.startNs).errnos;
      const ek = (r.sys << 16) | r.err;
      let e = errnos.get(ek);
      if (!e) {
        e = { sys: r.sys, err: r.err, total: 0, delta: 0, kernel: 0, seen: -1 };
        errnos.set(ek, e);
      }
      const inc = delta1(r.count, e.seen === this.samples - 1 ? e.kernel : undefined);
      e.kernel = r.count;
      e.seen = this.samples;
      e.total += inc;
      e.delta += inc;
    }
  }

  /** Identify, detect exits, forget and drop; returns the processes to show. */
  private lifecycle(now: number, snap: RawSnapshot): Proc[] {
    const shown: Proc[] = [];
    let kernelProcs: Map<string, KernelProc> | null = null;
    // Decoded only when a process is new this sample.
    const kernelProc = (tgid: number, startNs: bigint): KernelProc | undefined => {
      kernelProcs ??= new Map(
        decodeProcs(snap.procs ?? Buffer.alloc(0)).map((r) => [`${r.tgid}:${r.startNs}`, { comm: r.comm.toString('utf8'), uid: r.uid }]),
      );
      return kernelProcs.get(`${tgid}:${startNs}`);
    };
    for (const [tgid, list] of this.procs) {
      // The newest start time for a pid: anything older with that pid has exited.
      const newest = list.reduce((a, p) => (p.startNs > a ? p.startNs : a), 0n);
      for (let i = 0; i < list.length; i++) {
        const p = list[i]!;
        if (p.info === null || p.info.exitedAt === null) {
          if (p.startNs !== newest) this.registry.markExited(tgid, p.startNs);
          const active = p.deltas.some((c) => c && !isZero(c));
          p.info = this.registry.lookup(tgid, p.startNs, active, p.info === null ? kernelProc(tgid, p.startNs) : undefined);
        }
        if (p.info.exitedAt !== null) {
          p.exitSample ??= this.samples;
          // Forget one sample after the exit was seen: that snapshot was read
          // after the exit, so it holds every last count.
          if (!p.forgotten && p.exitSample < this.samples) {
            this.source.forget(tgid, p.startNs);
            p.forgotten = true;
          }
          if (p.forgotten && now - p.info.exitedAt >= this.lingerMs) {
            list.splice(i--, 1);
            this.registry.forget(tgid, p.startNs);
            continue;
          }
        }
        shown.push(p);
      }
      if (list.length === 0) this.procs.delete(tgid);
    }
    return shown;
  }

  private row(p: Proc, sec: number): ProcessRow {
    const info = p.info!;
    const prev = p.row;
    let syscalls: ProcessRow['syscalls'] = {};
    // Per side: how many syscalls, the last one's Stat, and whether all
    // of them are the Stats of the last row.
    let sends = 0;
    let recvs = 0;
    let sendOne: Stat | null = null;
    let recvOne: Stat | null = null;
    const same = { send: prev !== null, recv: prev !== null };
    for (let sys = 0; sys < p.totals.length; sys++) {
      const total = p.totals[sys];
      if (!total) continue;
      const name = SYSCALLS[sys]!;
      const st = stat(total, perSec(p.deltas[sys] ?? ZERO, sec), prev?.syscalls[name]);
      syscalls[name] = st;
      const unchanged = st === prev?.syscalls[name];
      if (isSend(name)) {
        sends++;
        sendOne = st;
        same.send &&= unchanged;
      } else {
        recvs++;
        recvOne = st;
        same.recv &&= unchanged;
      }
    }
    // A side with one syscall is that syscall's Stat.
    const sendStat = same.send ? prev!.send : sends === 1 ? sendOne! : this.side(p, true, sec);
    const recvStat = same.recv ? prev!.recv : recvs === 1 ? recvOne! : this.side(p, false, sec);
    if (same.send && same.recv && sends + recvs === Object.keys(prev!.syscalls).length) syscalls = prev!.syscalls;
    push(p.history, sendStat.rate.messages + recvStat.rate.messages, this.historyLen);
    push(p.bytesHistory, sendStat.rate.bytes + recvStat.rate.bytes, this.historyLen);
    const history = tail(p.history, this.rowHistoryLen, prev?.history);
    const errnos = this.errnoRows(p, sec, prev?.errnos);
    if (prev && syscalls === prev.syscalls && errnos === prev.errnos && history === prev.history && sameInfo(prev, info)) return prev;
    p.row = {
      key: p.key,
      pid: p.tgid,
      startTicks: info.startTicks,
      comm: info.comm,
      cmdline: info.cmdline,
      user: info.user,
      uid: info.uid,
      container: info.container,
      cgroup: info.cgroup,
      exitedAt: info.exitedAt,
      folded: 0,
      send: sendStat,
      recv: recvStat,
      syscalls,
      errnos,
      history,
    };
    return p.row;
  }

  /** A side's Stat summed over its syscalls (zeros when it has none). */
  private side(p: Proc, send: boolean, sec: number): Stat {
    let total: Counts = ZERO;
    let d: Counts = ZERO;
    for (let sys = 0; sys < p.totals.length; sys++) {
      const t = p.totals[sys];
      if (!t || isSend(SYSCALLS[sys]!) !== send) continue;
      total = sum(total, t);
      const inc = p.deltas[sys];
      if (inc && !isZero(inc)) d = sum(d, inc);
    }
    return { total, rate: perSec(d, sec) };
  }

  /** `prev` while no errno moved in this or the last interval. */
  private errnoRows(p: Proc, sec: number, prev: ErrnoCount[] | undefined): ErrnoCount[] {
    if (p.errnos.size === 0) return NO_ERRNOS;
    let still = prev !== undefined && prev.length === p.errnos.size && prev.every((e) => e.rate === 0);
    for (const e of p.errnos.values()) still &&= e.delta === 0;
    if (still) return prev!;
    return [...p.errnos.values()].map((e) => ({
      syscall: SYSCALLS[e.sys]!,
      errno: e.err,
      name: errnoName(e.err),
      total: e.total,
      rate: sec > 0 ? e.delta / sec : 0,
    }));
  }

  private cost(snap: RawSnapshot, sec: number, d: { send: Counts; recv: Counts }): Model['cost'] {
    const cpu = process.cpuUsage(this.prevCpu);
    const hr = process.hrtime.bigint();
    const wallUs = Number(hr - this.prevHr) / 1000;
    const bpfNs = delta1(snap.prog.runTimeNs, this.prevRunTimeNs);
    const timedRuns = delta1(snap.prog.runCount, this.prevRunCount);
    this.prevCpu = process.cpuUsage();
    this.prevHr = hr;
    this.prevRunTimeNs = snap.prog.runTimeNs;
    this.prevRunCount = snap.prog.runCount;
    // The kernel times BPF runs only in short sampled windows. The cost is
    // the last timed ns per run times this interval's runs, which the counts
    // give: one run per message or failure at the socket layer, an enter
    // and an exit per call with syscall tracepoints.
    if (timedRuns > 0) this.nsPerRun = bpfNs / timedRuns;
    if (sec > 0) {
      const both = (k: keyof Counts): number => d.send[k] + d.recv[k];
      const runs = snap.probes === 'syscalls' ? 2 * both('calls') : both('messages') + both('errors');
      this.bpfNsPerSec = (this.nsPerRun * runs) / sec;
    }
    return {
      bpfNsPerSec: this.bpfNsPerSec,
      cpuPercent: wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0,
      rssBytes: process.memoryUsage.rss(),
    };
  }
}

function health(snap: RawSnapshot, delivered: number): Health {
  const at = (i: number) => Number(snap.stats[i] ?? 0n);
  return {
    ringbufDrops: at(MT_STAT.RB_DROPS),
    ringbufEvents: at(MT_STAT.RB_EVENTS),
    ringbufDelivered: delivered,
    counterMapFull: at(MT_STAT.COUNTER_FULL),
    errnoMapFull: at(MT_STAT.ERRNO_FULL),
    detailMapFull: at(MT_STAT.DETAIL_FULL),
    stateLost: at(MT_STAT.STATE_LOST),
    procMapFull: at(MT_STAT.PROC_FULL),
    progMissed: snap.prog.missed,
  };
}
