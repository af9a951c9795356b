// Models from a recording, the same shape the live sampler makes, so the
// table, sort, filter, grouping, totals and every pane work unchanged.
// Totals are the recorded ones; rates, the sparkline and the History pane
// come from the change between recorded intervals; the events panes from
// the events recorded up to the interval shown. Nothing here touches the
// kernel, /proc or the addon: a recording replays anywhere.
import { addTo, perSec, sum, zero, ZERO } from '../data/model/counts.js';
import { isSend, type Counts, type Detail, type EventRow, type Model, type PeerRow, type ProcessRow, type Stat, type SyscallName, type ThreadRow } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { errnoNumber } from '../data/sample/errno.js';
import { processKey, type Frame, type RecordedProcess } from './format.js';
import type { Recording } from './reader.js';

export interface ReplayOptions {
  /** Intervals of the History pane (as the live sampler keeps). */
  historyLen?: number;
  /** Intervals of each row's sparkline. */
  rowHistoryLen?: number;
  /** Events kept for all processes, and for the opened one (as live). */
  globalEvents?: number;
  watchedEvents?: number;
}

/** A recorded process, its strings made display-safe, with its sums. */
interface Proc {
  key: string;
  /** The folded row it joins when it leaves the table. */
  group: string;
  rec: RecordedProcess;
  messages: number;
  bytes: number;
}

interface Prepared {
  frame: Frame;
  procs: Map<string, Proc>;
  /** Per folded row: what processes that folded into it in this interval
   * had counted before (so the fold is not a burst of traffic). */
  absorbed?: Map<string, Absorbed>;
}

interface Absorbed {
  syscalls: Partial<Record<SyscallName, Counts>>;
  errnos: Map<string, number>;
  messages: number;
  bytes: number;
}

/** Walk back at most this many intervals with events to fill an events pane. */
const EVENT_LOOKBACK = 1000;
const PREPARED = 24;
/** Rates of every row per interval: enough for the History pane's window. */
const RATES = 130;

/** Growth from `prev` to `cur`, never negative. */
function growth(cur: Counts, prev: Counts | undefined): Counts {
  if (!prev) return cur;
  return {
    calls: Math.max(0, cur.calls - prev.calls),
    messages: Math.max(0, cur.messages - prev.messages),
    bytes: Math.max(0, cur.bytes - prev.bytes),
    errors: Math.max(0, cur.errors - prev.errors),
  };
}

function plus(a: Counts | undefined, b: Counts | undefined): Counts | undefined {
  return a && b ? sum(a, b) : (a ?? b);
}

const esc = escapeControl;

function escapeEvent(e: EventRow): EventRow {
  return {
    ...e,
    comm: esc(e.comm),
    errno: e.errno === null ? null : esc(e.errno),
    flagsText: esc(e.flagsText),
    family: esc(e.family),
    protocol: esc(e.protocol),
    local: esc(e.local),
    remote: esc(e.remote),
    cgroupId: esc(e.cgroupId),
  };
}

function lru<K, V>(map: Map<K, V>, key: K, max: number, make: () => V): V {
  let v = map.get(key);
  if (v !== undefined) {
    map.delete(key);
    map.set(key, v);
    return v;
  }
  v = make();
  map.set(key, v);
  if (map.size > max) map.delete(map.keys().next().value!);
  return v;
}

export class ReplayModels {
  private readonly historyLen: number;
  private readonly rowHistoryLen: number;
  private readonly globalEvents: number;
  private readonly watchedEvents: number;
  private readonly prepared = new Map<number, Prepared>();
  private readonly rates = new Map<number, Map<string, { messages: number; bytes: number }>>();
  private watched: string | null = null;
  private readonly eventCache = new Map<string, { at: number; list: EventRow[] }>();

  constructor(
    readonly recording: Recording,
    opts: ReplayOptions = {},
  ) {
    this.historyLen = opts.historyLen ?? 120;
    this.rowHistoryLen = Math.min(this.historyLen, opts.rowHistoryLen ?? 10);
    this.globalEvents = opts.globalEvents ?? 2000;
    this.watchedEvents = opts.watchedEvents ?? 500;
  }

  get count(): number {
    return this.recording.count;
  }

  /** Drill into one row key (null: none), as Sampler.watch. */
  watch(key: string | null): void {
    this.watched = key;
  }

  /** Interval i's time (epoch ms) and its length. */
  frameTime(i: number): { ts: number; intervalMs: number } {
    const f = this.recording.frame(i);
    return { ts: f.ts, intervalMs: f.intervalMs };
  }

  private prepare(i: number): Prepared {
    return lru(this.prepared, i, PREPARED, () => {
      const frame = this.recording.frame(i);
      const procs = new Map<string, Proc>();
      for (const r of frame.processes) {
        const rec: RecordedProcess = {
          ...r,
          comm: esc(r.comm),
          cmdline: esc(r.cmdline),
          user: esc(r.user),
          container: r.container === null ? null : esc(r.container),
          cgroup: esc(r.cgroup),
          errnos: r.errnos.map((e) => ({ ...e, name: esc(e.name) })),
        };
        let messages = 0;
        let bytes = 0;
        for (const c of Object.values(rec.syscalls)) {
          messages += c.messages;
          bytes += c.bytes;
        }
        const key = processKey(rec);
        procs.set(key, { key, group: processKey({ ...rec, folded: 1 }), rec, messages, bytes });
      }
      return { frame, procs };
    });
  }

  /** What processes that left the table between i-1 and i had counted, by the folded row they joined. */
  private absorbed(i: number): Map<string, Absorbed> {
    const cur = this.prepare(i);
    if (cur.absorbed) return cur.absorbed;
    const out = new Map<string, Absorbed>();
    if (i > 0) {
      for (const p of this.prepare(i - 1).procs.values()) {
        if (p.rec.folded > 0 || cur.procs.has(p.key)) continue;
        let a = out.get(p.group);
        if (!a) out.set(p.group, (a = { syscalls: {}, errnos: new Map(), messages: 0, bytes: 0 }));
        for (const [name, c] of Object.entries(p.rec.syscalls) as [SyscallName, Counts][]) a.syscalls[name] = plus(a.syscalls[name], c);
        for (const e of p.rec.errnos) a.errnos.set(`${e.syscall}\0${e.name}`, (a.errnos.get(`${e.syscall}\0${e.name}`) ?? 0) + e.total);
        a.messages += p.messages;
        a.bytes += p.bytes;
      }
    }
    cur.absorbed = out;
    return out;
  }

  /** The previous interval's counts of `p`, plus what folded into it since. */
  private before(i: number, p: Proc): { prev: Proc | undefined; absorbed: Absorbed | undefined } {
    const prev = i > 0 ? this.prepare(i - 1).procs.get(p.key) : undefined;
    const absorbed = p.rec.folded > 0 ? this.absorbed(i).get(p.key) : undefined;
    return { prev, absorbed };
  }

  /** Messages/s and bytes/s of every row over interval i. */
  private ratesAt(i: number): Map<string, { messages: number; bytes: number }> {
    return lru(this.rates, i, RATES, () => {
      const cur = this.prepare(i);
      const sec = cur.frame.intervalMs / 1000;
      const out = new Map<string, { messages: number; bytes: number }>();
      for (const p of cur.procs.values()) {
        const { prev, absorbed } = this.before(i, p);
        const dm = Math.max(0, p.messages - (prev?.messages ?? 0) - (absorbed?.messages ?? 0));
        const db = Math.max(0, p.bytes - (prev?.bytes ?? 0) - (absorbed?.bytes ?? 0));
        out.set(p.key, sec > 0 ? { messages: dm / sec, bytes: db / sec } : { messages: 0, bytes: 0 });
      }
      return out;
    });
  }

  /** A row's messages/s and bytes/s over the last `len` intervals up to i, oldest first, since it appeared. */
  private history(i: number, key: string, len: number): { messages: number[]; bytes: number[] } {
    const messages: number[] = [];
    const bytes: number[] = [];
    for (let j = i; j > i - len && j >= 0; j--) {
      const r = this.ratesAt(j).get(key);
      if (!r) break;
      messages.push(r.messages);
      bytes.push(r.bytes);
    }
    return { messages: messages.reverse(), bytes: bytes.reverse() };
  }

  private row(i: number, p: Proc, sec: number): ProcessRow {
    const { prev, absorbed } = this.before(i, p);
    const r = p.rec;
    const syscalls: ProcessRow['syscalls'] = {};
    const totals = { send: zero(), recv: zero() };
    const deltas = { send: zero(), recv: zero() };
    for (const [name, total] of Object.entries(r.syscalls) as [SyscallName, Counts][]) {
      const d = growth(total, plus(prev?.rec.syscalls[name], absorbed?.syscalls[name]));
      syscalls[name] = { total, rate: perSec(d, sec) };
      const side = isSend(name) ? 'send' : 'recv';
      addTo(totals[side], total);
      addTo(deltas[side], d);
    }
    const errnos = r.errnos.map((e) => {
      const k = `${e.syscall}\0${e.name}`;
      const was = (prev?.rec.errnos.find((x) => x.syscall === e.syscall && x.name === e.name)?.total ?? 0) + (absorbed?.errnos.get(k) ?? 0);
      return { syscall: e.syscall, errno: errnoNumber(e.name), name: e.name, total: e.total, rate: sec > 0 ? Math.max(0, e.total - was) / sec : 0 };
    });
    return {
      key: p.key,
      pid: r.pid,
      startTicks: r.startTicks,
      comm: r.comm,
      cmdline: r.cmdline,
      user: r.user,
      uid: r.uid,
      container: r.container,
      cgroup: r.cgroup,
      // `exited` is what the --json line says; when it went is a recording's extra.
      exitedAt: r.exited ? (r.exitedAt ?? this.prepare(i).frame.ts) : null,
      folded: r.folded,
      send: { total: totals.send, rate: perSec(deltas.send, sec) },
      recv: { total: totals.recv, rate: perSec(deltas.recv, sec) },
      syscalls,
      errnos,
      history: this.history(i, p.key, this.rowHistoryLen).messages,
    };
  }

  /** The newest `max` events recorded up to interval i (of one pid, or all). */
  private events(i: number, max: number, pid: number | null): EventRow[] {
    const id = pid === null ? 'all' : String(pid);
    const take = (j: number): EventRow[] => {
      if (this.recording.eventCount(j) === 0) return [];
      const log = this.recording.frame(j).eventLog;
      return (pid === null ? log : log.filter((e) => e.pid === pid)).map(escapeEvent);
    };
    const cached = this.eventCache.get(id);
    let list: EventRow[];
    if (cached && cached.at === i) return cached.list;
    if (cached && cached.at === i - 1) list = [...cached.list, ...take(i)].slice(-max);
    else {
      const parts: EventRow[][] = [];
      let n = 0;
      let looked = 0;
      for (let j = i; j >= 0 && n < max && looked < EVENT_LOOKBACK; j--) {
        if (this.recording.eventCount(j) === 0) continue;
        looked++;
        const got = take(j);
        parts.push(got);
        n += got.length;
      }
      list = parts.reverse().flat().slice(-max);
    }
    this.eventCache.set(id, { at: i, list });
    return list;
  }

  private detail(i: number, key: string): Detail {
    const cur = this.prepare(i).frame;
    const sec = cur.intervalMs / 1000;
    const pid = Number(key.split(':')[0]);
    const history = this.history(i, key, this.historyLen);
    const events = Number.isInteger(pid) && !key.startsWith('exited:') ? this.events(i, this.watchedEvents, pid) : [];
    const rd = cur.detail;
    if (!rd || rd.key !== key) {
      return { key, threads: [], peers: [], sizes: { send: [], recv: [] }, events, history, unrecorded: true };
    }
    const pd = i > 0 ? this.prepare(i - 1).frame.detail : null;
    const before = pd && pd.key === key ? pd : null;
    const threads: ThreadRow[] = rd.threads
      .map((t) => {
        const was = before?.threads.find((x) => x.tid === t.tid);
        const syscalls: ThreadRow['syscalls'] = {};
        const tot = { send: zero(), recv: zero() };
        const d = { send: zero(), recv: zero() };
        for (const [name, total] of Object.entries(t.syscalls) as [SyscallName, Counts][]) {
          const g = growth(total, was?.syscalls[name]);
          syscalls[name] = { total, rate: perSec(g, sec) };
          const side = isSend(name) ? 'send' : 'recv';
          addTo(tot[side], total);
          addTo(d[side], g);
        }
        const stat = (side: 'send' | 'recv'): Stat => ({ total: tot[side], rate: perSec(d[side], sec) });
        return { tid: t.tid, name: esc(t.name), syscalls, send: stat('send'), recv: stat('recv') };
      })
      .sort((a, b) => a.tid - b.tid);
    const peerKey = (p: { family: string; protocol: string; local: string; remote: string }) => `${p.family}\0${p.protocol}\0${p.local}\0${p.remote}`;
    const wasPeers = new Map((before?.peers ?? []).map((p) => [peerKey(p), p]));
    const peers: PeerRow[] = rd.peers.map((p) => {
      const was = wasPeers.get(peerKey(p));
      const rate = (now: number, then: number | undefined) => (sec > 0 ? Math.max(0, now - (then ?? 0)) / sec : 0);
      return {
        family: esc(p.family),
        protocol: esc(p.protocol),
        local: esc(p.local),
        remote: esc(p.remote),
        send: { ...p.send, rate: rate(p.send.messages, was?.send.messages) },
        recv: { ...p.recv, rate: rate(p.recv.messages, was?.recv.messages) },
      };
    });
    return { key, threads, peers, sizes: { send: [...rd.sizes.send], recv: [...rd.sizes.recv] }, events, history };
  }

  /** Interval i (0-based) as the live sampler would have made it. */
  model(i: number): Model {
    const { frame: f, procs } = this.prepare(i);
    const h = this.recording.header;
    const sec = f.intervalMs / 1000;
    const processes = [...procs.values()].map((p) => this.row(i, p, sec));
    const total = (side: 'send' | 'recv'): Stat => {
      const t = zero();
      const r = zero();
      for (const p of processes) {
        addTo(t, p[side].total);
        addTo(r, p[side].rate);
      }
      return { total: t, rate: r.calls + r.messages + r.bytes + r.errors === 0 ? ZERO : r };
    };
    return {
      ts: f.ts,
      intervalMs: f.intervalMs,
      host: esc(h.host),
      kernel: esc(h.kernel),
      probes: f.probes,
      probesReason: esc(f.probesReason),
      ipc: { mode: f.ipc.mode, tracing: f.ipc.tracing, since: null, error: f.ipc.error === null ? null : esc(f.ipc.error) },
      privileges: f.privileges && { ...f.privileges, user: esc(f.privileges.user) },
      uptimeMs: f.uptimeMs ?? Math.max(0, f.ts - h.start),
      health: {
        ringbufDrops: f.drops.ringbuf,
        ringbufEvents: f.events.submitted,
        ringbufDelivered: f.events.delivered,
        counterMapFull: f.drops.counterMapFull,
        errnoMapFull: f.drops.errnoMapFull,
        detailMapFull: f.drops.detailMapFull,
        stateLost: f.drops.stateLost,
        procMapFull: f.drops.procMapFull,
        progMissed: f.drops.progMissed,
        exitLost: f.drops.exitLost,
      },
      maps: f.maps,
      cost: f.cost ?? { bpfNsPerSec: 0, cpuPercent: 0, rssBytes: 0, loopStallMs: 0, sampleMs: 0 },
      send: total('send'),
      recv: total('recv'),
      processes,
      detail: this.watched === null ? null : this.detail(i, this.watched),
      events: this.events(i, this.globalEvents, null),
      replay: { position: i + 1, count: this.count, playing: false, speed: 1, note: this.recording.note },
    };
  }
}
