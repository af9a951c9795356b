// A Model's process rows → the traffic series msgtop exports: sums per
// (syscall, comm, container), errors also per errno, and per-process series
// for the busiest few. Bounded and never decreasing:
// - Every row counts in its (comm, container) group, lingering and folded
//   rows included, so a process that exits leaves its counts in the group.
// - A group series, once exposed, stays (sticky): its counts must not vanish.
// - Past the series cap, new series fold into comm="other",
//   container="other" (errno="other"): one per syscall at most.
// - Each series passes through a Monotonic guard, so rate() never sees a
//   reset that did not happen.
import { escapeControl } from '../data/model/sanitize.js';
import { isSend, SYSCALLS, type Counts, type ProcessRow, type SyscallName } from '../data/model/model.js';
import { Monotonic } from './monotonic.js';

export type Labels = Record<string, string>;
export interface Series {
  labels: Labels;
  value: number;
}

export interface TrafficOptions {
  /** Processes that get their own series (with a pid label). */
  topK: number;
  /** Hard cap on every traffic series together (groups, other, processes). */
  maxSeries: number;
}

export interface Traffic {
  messages: Series[];
  bytes: Series[];
  calls: Series[];
  errors: Series[];
  process: { messages: Series[]; bytes: Series[]; calls: Series[]; errors: Series[] };
  /** Series of the current rows that went to the other group instead of their own. */
  overflowSeries: number;
  /** (comm, container) groups with at least one series in the other group. */
  overflowGroups: number;
}

/** Label value of the group that takes what the cap leaves out. */
export const OTHER = 'other';
/** Worst case for the other group: 3 count series and 1 error series per syscall. */
export const OTHER_SERIES = SYSCALLS.length * 4;
/** Per-process guard marks live this long after the process left the top K. */
const PROCESS_MARK_MS = 10 * 60_000;

interface Cell {
  labels: Labels;
  counts: Counts;
  syscall: SyscallName;
  group: string;
}
interface ErrCell {
  labels: Labels;
  count: number;
  syscall: SyscallName;
  group: string;
  cell: string;
}

const SEP = '\u0000';

function countsLabels(syscall: SyscallName, comm: string, container: string): Labels {
  return { syscall, direction: isSend(syscall) ? 'send' : 'recv', comm, container };
}

/** Recent activity first: messages over the row's last intervals, then all time. */
function byActivity(a: ProcessRow, b: ProcessRow): number {
  const recent = (r: ProcessRow) => r.history.reduce((s, v) => s + v, 0);
  return (
    recent(b) - recent(a) ||
    b.send.total.messages + b.recv.total.messages - (a.send.total.messages + a.recv.total.messages) ||
    a.pid - b.pid
  );
}

export class TrafficSeries {
  private readonly guard = new Monotonic();
  /** Sticky: cells and error cells that have their own series, by key. */
  private readonly cells = new Map<string, Labels>();
  private readonly errCells = new Map<string, Labels>();
  /** Syscalls with other-group series (sticky too). */
  private readonly otherSyscalls = new Set<SyscallName>();
  private readonly otherErrSyscalls = new Set<SyscallName>();
  private lastForget = 0;
  /** Which process (ProcessRow key) a pid label last stood for. */
  private readonly pidOwners = new Map<string, { key: string; seen: number }>();

  constructor(private readonly opts: TrafficOptions) {}

  /** Series currently held by groups (not other, not processes). */
  get groupSeries(): number {
    return this.cells.size * 3 + this.errCells.size;
  }

  map(rows: readonly ProcessRow[], now: number): Traffic {
    const { cells, errs } = sumGroups(rows);
    this.admit(cells, errs);
    const out: Traffic = {
      messages: [],
      bytes: [],
      calls: [],
      errors: [],
      process: { messages: [], bytes: [], calls: [], errors: [] },
      overflowSeries: 0,
      overflowGroups: 0,
    };

    // Own series: every admitted cell, present in these rows or not.
    for (const [key, labels] of this.cells) this.emitCounts(out, 'g', key, labels, cells.get(key)?.counts ?? ZERO_COUNTS, now);
    for (const [key, labels] of this.errCells) this.emitOne(out.errors, `g${SEP}${key}${SEP}e`, labels, errs.get(key)?.count ?? 0, now);

    // The rest, per syscall, into the other group.
    const other = new Map<SyscallName, Counts>();
    const otherErr = new Map<SyscallName, number>();
    const folded = new Set<string>();
    for (const [key, c] of cells) {
      if (this.cells.has(key)) continue;
      const acc = other.get(c.syscall) ?? { calls: 0, messages: 0, bytes: 0, errors: 0 };
      acc.calls += c.counts.calls;
      acc.messages += c.counts.messages;
      acc.bytes += c.counts.bytes;
      other.set(c.syscall, acc);
      this.otherSyscalls.add(c.syscall);
      out.overflowSeries += 3;
      folded.add(c.group);
    }
    for (const [key, e] of errs) {
      if (this.errCells.has(key)) continue;
      otherErr.set(e.syscall, (otherErr.get(e.syscall) ?? 0) + e.count);
      this.otherErrSyscalls.add(e.syscall);
      out.overflowSeries += 1;
      folded.add(e.group);
    }
    out.overflowGroups = folded.size;
    for (const s of this.otherSyscalls) {
      this.emitCounts(out, 'o', s, countsLabels(s, OTHER, OTHER), other.get(s) ?? ZERO_COUNTS, now);
    }
    for (const s of this.otherErrSyscalls) {
      this.emitOne(out.errors, `o${SEP}${s}${SEP}e`, { ...countsLabels(s, OTHER, OTHER), errno: OTHER }, otherErr.get(s) ?? 0, now);
    }

    const used = this.groupSeries + this.otherSyscalls.size * 3 + this.otherErrSyscalls.size;
    this.processes(out, rows, this.opts.maxSeries - used, now);
    if (now - this.lastForget >= 60_000) {
      this.guard.forget('p', now - PROCESS_MARK_MS);
      for (const [pid, o] of this.pidOwners) if (o.seen < now - PROCESS_MARK_MS) this.pidOwners.delete(pid);
      this.lastForget = now;
    }
    return out;
  }

  /** Gives new cells their own series while the cap allows, busiest first. */
  private admit(cells: Map<string, Cell>, errs: Map<string, ErrCell>): void {
    const budget = this.opts.maxSeries - OTHER_SERIES;
    const fresh = [...cells].filter(([k]) => !this.cells.has(k)).sort((a, b) => b[1].counts.messages - a[1].counts.messages);
    for (const [key, c] of fresh) {
      if (this.groupSeries + 3 > budget) break;
      this.cells.set(key, c.labels);
    }
    const freshErr = [...errs].filter(([k]) => !this.errCells.has(k)).sort((a, b) => b[1].count - a[1].count);
    for (const [key, e] of freshErr) {
      if (this.groupSeries + 1 > budget) break;
      // A group whose counts went to other sends its errors there too.
      if (this.cells.has(e.cell)) this.errCells.set(key, e.labels);
    }
  }

  private processes(out: Traffic, rows: readonly ProcessRow[], budget: number, now: number): void {
    if (this.opts.topK <= 0) return;
    const ranked = rows.filter((r) => r.folded === 0 && r.pid > 0 && Object.keys(r.syscalls).length > 0).sort(byActivity);
    let left = budget;
    for (const r of ranked.slice(0, this.opts.topK)) {
      const names = Object.keys(r.syscalls) as SyscallName[];
      const errnos = errnoCounts(r);
      const cost = names.length * 3 + errnos.size;
      if (cost > left) break;
      left -= cost;
      const comm = escapeControl(r.comm);
      const container = r.container ?? '';
      const pid = String(r.pid);
      // A reused pid: the series go on from the last process's totals.
      const owner = this.pidOwners.get(pid);
      if (owner && owner.key !== r.key) this.guard.restart(`p${SEP}${pid}${SEP}`);
      this.pidOwners.set(pid, { key: r.key, seen: now });
      for (const name of names) {
        const key = `${pid}${SEP}${name}${SEP}${comm}${SEP}${container}`;
        const labels = { pid, ...countsLabels(name, comm, container) };
        this.emitCounts(out.process, 'p', key, labels, r.syscalls[name]!.total, now);
      }
      for (const [k, n] of errnos) {
        const [name, errno] = k.split(SEP) as [SyscallName, string];
        const labels = { pid, ...countsLabels(name, comm, container), errno };
        this.emitOne(out.process.errors, `p${SEP}${pid}${SEP}${k}${SEP}${comm}${SEP}${container}${SEP}e`, labels, n, now);
      }
    }
  }

  /** Guard keys start with the scope (g group, o other, p process), so the
   * per-process ones can be forgotten alone. */
  private emitCounts(
    into: Pick<Traffic, 'messages' | 'bytes' | 'calls'>,
    scope: 'g' | 'o' | 'p',
    key: string,
    labels: Labels,
    c: Counts,
    now: number,
  ): void {
    this.emitOne(into.messages, `${scope}${SEP}${key}${SEP}m`, labels, c.messages, now);
    this.emitOne(into.bytes, `${scope}${SEP}${key}${SEP}b`, labels, c.bytes, now);
    this.emitOne(into.calls, `${scope}${SEP}${key}${SEP}c`, labels, c.calls, now);
  }

  private emitOne(into: Series[], key: string, labels: Labels, value: number, now: number): void {
    into.push({ labels, value: this.guard.expose(key, value, now) });
  }
}

const ZERO_COUNTS: Readonly<Counts> = Object.freeze({ calls: 0, messages: 0, bytes: 0, errors: 0 });

/**
 * A row's failed calls by (syscall, errno name). Failures the errno map did
 * not record (it was full) count as errno "unknown", so every error the
 * counters saw is in exactly one errno series.
 */
function errnoCounts(r: ProcessRow): Map<string, number> {
  const out = new Map<string, number>();
  const named = new Map<SyscallName, number>();
  for (const e of r.errnos) {
    if (e.total <= 0) continue;
    const k = e.syscall + SEP + e.name;
    out.set(k, (out.get(k) ?? 0) + e.total);
    named.set(e.syscall, (named.get(e.syscall) ?? 0) + e.total);
  }
  for (const name of Object.keys(r.syscalls) as SyscallName[]) {
    const missing = r.syscalls[name]!.total.errors - (named.get(name) ?? 0);
    if (missing > 0) out.set(name + SEP + 'unknown', missing);
  }
  return out;
}

/** Sums every row (exited, lingering and folded ones too) into its group. */
function sumGroups(rows: readonly ProcessRow[]): { cells: Map<string, Cell>; errs: Map<string, ErrCell> } {
  const cells = new Map<string, Cell>();
  const errs = new Map<string, ErrCell>();
  for (const r of rows) {
    const comm = escapeControl(r.comm);
    const container = r.container ?? '';
    const group = comm + SEP + container;
    for (const name of Object.keys(r.syscalls) as SyscallName[]) {
      const t = r.syscalls[name]!.total;
      const key = name + SEP + group;
      let c = cells.get(key);
      if (!c) {
        c = { labels: countsLabels(name, comm, container), counts: { calls: 0, messages: 0, bytes: 0, errors: 0 }, syscall: name, group };
        cells.set(key, c);
      }
      c.counts.calls += t.calls;
      c.counts.messages += t.messages;
      c.counts.bytes += t.bytes;
    }
    if (r.errnos.length === 0 && !Object.values(r.syscalls).some((s) => s.total.errors > 0)) continue;
    for (const [k, n] of errnoCounts(r)) {
      const [name, errno] = k.split(SEP) as [SyscallName, string];
      const key = k + SEP + group;
      let e = errs.get(key);
      if (!e) {
        e = { labels: { ...countsLabels(name, comm, container), errno }, count: 0, syscall: name, group, cell: name + SEP + group };
        errs.set(key, e);
      }
      e.count += n;
    }
  }
  return { cells, errs };
}
