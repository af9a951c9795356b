// Successive RawSnapshots → Models: totals since attach and per-second
// rates over the last interval, per process. An exited process keeps its
// own row for lingerMs (at most maxExited of them), then folds into one
// row per (comm, container), so totals over all rows always equal what
// every process did while memory stays bounded.
import { hostname, release } from 'node:os';
import { setImmediate } from 'node:timers/promises';
import { isSend, SYSCALLS, type Counts, type Health, type Model, type ProcessRow } from '../model/model.js';
import { addTo, isZero, perSec, zero } from '../model/counts.js';
import { COUNTER_RECORD, decodeExits, EVENT_RECORD, MT_STAT, procFinder } from '../kernel/records.js';
import type { RawSnapshot, Source } from '../kernel/source.js';
import { Registry, type KernelProc } from '../proc/registry.js';
import { CostMeter, type ProcessClock } from './cost.js';
import { DetailTracker } from './detail.js';
import { EventLog } from './eventlog.js';
import { ArrivedDead } from './arrived-dead.js';
import { Folds } from './fold.js';
import { ProcTable, type Proc } from './proc-table.js';
import { buildRow, type RowLengths } from './row-build.js';
import { newInterval } from './tally.js';

/** Counter records read, and rows built, per step when a sample is spread
 * over event-loop turns (10,000 processes make about 20,000 and 10,000). */
const RECORDS_PER_STEP = 10_000;
const ROWS_PER_STEP = 2_000;

export interface SamplerOptions {
  registry?: Registry;
  events?: EventLog;
  /** How long an exited process keeps its own row before it folds. */
  lingerMs?: number;
  /** Exited processes kept as their own rows at most; the oldest fold first. */
  maxExited?: number;
  /** Intervals of msgs/s history kept per process (the watched one's Detail). */
  historyLen?: number;
  /** Of those, how many each ProcessRow carries (the table's sparkline). */
  rowHistoryLen?: number;
  /** Monotonic ms clock: uptime, exit times and lingering. Never the wall
   * clock, which an administrator or NTP may step back or forward. */
  now?: () => number;
  /** Epoch ms, only to stamp each Model (its `ts`). */
  wallNow?: () => number;
  /** msgtop's own CPU, wall clock and memory (tests replace it). */
  processClock?: ProcessClock;
  /** Put the events that arrived in each interval in Model.delivered (--record). */
  keepDelivered?: boolean;
}

export class Sampler {
  private readonly registry: Registry;
  private readonly events: EventLog;
  private readonly detail: DetailTracker;
  private readonly lingerMs: number;
  private readonly maxExited: number;
  private readonly lengths: RowLengths;
  private readonly now: () => number;
  private readonly wallNow: () => number;
  private readonly startedAt: number;
  private readonly host = hostname();
  private readonly kernel = release();
  private readonly procs = new ProcTable();
  private readonly folds = new Folds();
  private readonly costs: CostMeter;
  private readonly global = { send: zero(), recv: zero() };
  private samples = 0;
  private delivered = 0;
  private prevMono: bigint | null = null;
  /** A Model is being built (its steps may be spread over turns). */
  private building = false;
  /** Time the Model being built has spent between its steps. */
  private idleNs = 0n;
  private readonly keepDelivered: boolean;

  constructor(
    private readonly source: Source,
    opts: SamplerOptions = {},
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.wallNow = opts.wallNow ?? Date.now;
    this.registry = opts.registry ?? new Registry({ now: this.now });
    this.events = opts.events ?? new EventLog();
    this.detail = new DetailTracker(this.registry, this.events);
    this.lingerMs = opts.lingerMs ?? 60_000;
    this.maxExited = opts.maxExited ?? 200;
    const historyLen = opts.historyLen ?? 120;
    this.lengths = { historyLen, rowHistoryLen: Math.min(historyLen, opts.rowHistoryLen ?? 10) };
    this.startedAt = this.now();
    this.costs = new CostMeter(opts.processClock);
    this.keepDelivered = opts.keepDelivered ?? false;
    if (this.keepDelivered) this.events.keepDelivered();
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

  /** The next Model, built at once. */
  sample(): Model {
    this.idleNs = 0n;
    const steps = this.steps();
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * The same Model, each of its steps in an event-loop turn of its own, so
   * keys and timers are served while 10,000 processes are counted. Null
   * when `cancelled` says so between steps: the source was closed, and the
   * half-built sample is dropped with it.
   */
  async sampleInTurns(cancelled: () => boolean = () => false): Promise<Model | null> {
    this.idleNs = 0n;
    const steps = this.steps();
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      const waited = this.costs.started();
      await setImmediate();
      this.idleNs += this.costs.started() - waited;
      if (cancelled()) {
        steps.return(null as never);
        return null;
      }
    }
  }

  /** Builds one Model; yields where another turn may run. */
  private *steps(): Generator<void, Model, void> {
    if (this.building) throw new Error('a sample is already being built');
    this.building = true;
    try {
      const startedNs = this.costs.started();
      const snap = this.source.snapshot();
      const now = this.now();
      const sample = ++this.samples;
      const sec = this.prevMono === null ? 0 : Number(snap.monoNs - this.prevMono) / 1e9;
      this.prevMono = snap.monoNs;

      const d = { send: zero(), recv: zero() };
      const exits = decodeExits(snap.exited ?? Buffer.alloc(0));
      const kernelProc = kernelProcLookup(snap);
      const dead = new ArrivedDead(
        exits,
        this.maxExited,
        (tgid, startNs) => this.procs.find(tgid, startNs) !== undefined,
        (tgid, startNs) => this.folds.join(this.registry.exited(tgid, startNs, kernelProc(tgid, startNs))),
      );
      yield;
      const onGrowth = (sys: number, inc: Counts) => addTo(isSend(SYSCALLS[sys]!) ? d.send : d.recv, inc);
      for (let at = 0; at < snap.counters.length; at += RECORDS_PER_STEP * COUNTER_RECORD) {
        if (at > 0) yield;
        this.procs.ingestCounters(snap.counters.subarray(at, at + RECORDS_PER_STEP * COUNTER_RECORD), sample, onGrowth, dead);
      }
      this.procs.ingestErrnos(snap.errnos, sample, dead);
      for (const e of exits) {
        const p = this.procs.find(e.tgid, e.startNs);
        if (p) p.evicted = true;
      }
      addTo(this.global.send, d.send);
      addTo(this.global.recv, d.recv);
      yield;

      const shown = this.lifecycle(now, sample, kernelProc);
      yield;

      const rows: ProcessRow[] = [];
      for (let i = 0; i < shown.length; i++) {
        const p = shown[i]!;
        rows.push(buildRow(p, p.key, p.info!, 0, sec, this.lengths));
        if ((i + 1) % ROWS_PER_STEP === 0) yield;
      }
      rows.push(...this.folds.rows((g, key, id, folded) => buildRow(g, key, id, folded, sec, this.lengths)));
      // Looked up now: watch() may have run between the steps.
      const key = this.detail.watchedKey;
      const watched = key === null ? undefined : shown.find((p) => p.key === key);
      const history = watched ? { messages: watched.history.messages(), bytes: watched.history.bytes() } : { messages: [], bytes: [] };
      // Cleared now rather than before the next sample, so they die young.
      for (const p of shown) newInterval(p);
      this.folds.newInterval();

      return {
        ts: this.wallNow(),
        intervalMs: Math.round(sec * 1000),
        host: this.host,
        kernel: this.kernel,
        probes: snap.probes,
        probesReason: snap.probesReason,
        ipc: { ...snap.ipc },
        privileges: snap.privileges ?? null,
        uptimeMs: now - this.startedAt,
        health: health(snap, this.delivered),
        maps: snap.maps ?? null,
        // A sample's own time is its steps', not what ran between them.
        cost: this.costs.measure(snap, sec, d, startedNs + this.idleNs),
        send: { total: { ...this.global.send }, rate: perSec(d.send, sec) },
        recv: { total: { ...this.global.recv }, rate: perSec(d.recv, sec) },
        processes: rows,
        detail: this.detail.build(snap, sec, history),
        events: this.events.recent(),
        ...(this.keepDelivered ? { delivered: this.events.takeDelivered() } : {}),
      };
    } finally {
      this.building = false;
    }
  }

  /** Identify, detect exits, evict and fold; returns the processes with rows of their own. */
  private lifecycle(now: number, sample: number, kernelProc: KernelProcLookup): Proc[] {
    const shown: Proc[] = [];
    const exited: Proc[] = [];
    this.registry.placePending();
    this.procs.each((p, newest) => {
      if (p.info === null || p.info.exitedAt === null) {
        // An older process with this pid, or one the kernel saw exit, is gone.
        if (p.startNs !== newest || p.evicted) this.registry.markExited(p.tgid, p.startNs);
        const active = p.deltas.some((c) => c && !isZero(c));
        p.info = this.registry.lookup(p.tgid, p.startNs, active, p.info === null ? kernelProc(p.tgid, p.startNs) : undefined, p.evicted);
      }
      if (p.info.exitedAt !== null) {
        p.exitSample ??= sample;
        // The kernel reports most exits and hands over the final counts
        // itself; for the rest, forget one sample after the exit was seen:
        // that snapshot was read after the exit, so it holds every last count.
        if (!p.evicted && p.exitSample < sample) {
          this.source.forget(p.tgid, p.startNs);
          p.evicted = true;
        }
        if (p.evicted && now - p.info.exitedAt >= this.lingerMs) {
          this.fold(p);
          return;
        }
        if (p.evicted) exited.push(p);
      }
      shown.push(p);
    });
    if (exited.length > this.maxExited) {
      exited.sort((a, b) => a.info!.exitedAt! - b.info!.exitedAt!);
      const early = new Set(exited.slice(0, exited.length - this.maxExited));
      for (const p of early) this.fold(p);
      return shown.filter((p) => !early.has(p));
    }
    return shown;
  }

  private fold(p: Proc): void {
    this.folds.add(p, p.info!);
    this.procs.remove(p);
    this.registry.forget(p.tgid, p.startNs);
  }
}

type KernelProcLookup = (tgid: number, startNs: bigint) => KernelProc | undefined;

/** What the kernel recorded of each process (for those gone before /proc
 * could be read), decoded only if a process is new this sample. */
function kernelProcLookup(snap: RawSnapshot): KernelProcLookup {
  let find: ReturnType<typeof procFinder> | null = null;
  return (tgid, startNs) => {
    const r = (find ??= procFinder(snap.procs ?? Buffer.alloc(0)))(tgid, startNs);
    return r && { comm: r.comm.toString('utf8'), uid: r.uid, cgroupId: r.cgroupId };
  };
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
    exitLost: at(MT_STAT.EXIT_LOST),
  };
}
