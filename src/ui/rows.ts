// Model -> table rows: presets, per-syscall view, container grouping, fuzzy
// filter, sort. Ranking reads one sort value per process; full rows, with
// every string from the process escaped, are built only for the rows on
// screen (or for all while grouping or filtering: the fuzzy match runs on
// the escaped text so highlight indexes line up with what is drawn).
import fuzzysort from 'fuzzysort';
import { ZERO } from '../data/model/counts.js';
import { filterProcesses, HOST } from '../data/model/filter.js';
import { type Counts, type ProcessRow, type Stat, type SyscallName } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import type { ColumnId, UiState } from './state.js';
import { smallest } from './topk.js';

export type NumericId = Exclude<ColumnId, 'pid' | 'user' | 'comm'>;

export interface TableRow {
  key: string;
  /** null on a per-container row. */
  pid: number | null;
  /** Processes behind this row (1 unless grouped). */
  count: number;
  user: string;
  /** comm, or the container label on a grouped row. */
  name: string;
  cmdline: string;
  /** Container id, "" outside containers. */
  container: string;
  /** Set on a grouped row: the container filter value it stands for. */
  group: string | null;
  exited: boolean;
  values: Record<NumericId, number>;
  history: number[];
  /** Matched character positions in `name` and `cmdline`. */
  nameHits: readonly number[];
  cmdHits: readonly number[];
}


function pick(stat: Stat | undefined, totals: boolean): Counts {
  if (!stat) return ZERO;
  return totals ? stat.total : stat.rate;
}

/** One numeric column of a process: plain field reads, as this ranks every process. */
function valueOf(p: ProcessRow, id: NumericId, totals: boolean, syscall: SyscallName | null): number {
  switch (id) {
    case 'send':
      return pick(p.send, totals).messages;
    case 'recv':
      return pick(p.recv, totals).messages;
    case 'in':
      return pick(p.recv, totals).bytes;
    case 'out':
      return pick(p.send, totals).bytes;
    case 'sendmsg':
    case 'recvmsg':
    case 'sendmmsg':
    case 'recvmmsg':
    case 'msgsnd':
      return pick(p.syscalls[id], totals).messages;
  }
  // In the per-syscall view these count that syscall only.
  const only = syscall === null ? null : pick(p.syscalls[syscall], totals);
  const send = pick(p.send, totals);
  const recv = pick(p.recv, totals);
  switch (id) {
    case 'msgs':
      return only ? only.messages : send.messages + recv.messages;
    case 'err':
      return only ? only.errors : send.errors + recv.errors;
    case 'calls':
      return only ? only.calls : send.calls + recv.calls;
    case 'bytes':
      return only ? only.bytes : send.bytes + recv.bytes;
  }
}

const NUMERIC_IDS: readonly NumericId[] = [
  'msgs',
  'send',
  'recv',
  'in',
  'out',
  'err',
  'calls',
  'bytes',
  'sendmsg',
  'recvmsg',
  'sendmmsg',
  'recvmmsg',
  'msgsnd',
];

function valuesOf(p: ProcessRow, totals: boolean, syscall: SyscallName | null): Record<NumericId, number> {
  const values = {} as Record<NumericId, number>;
  for (const id of NUMERIC_IDS) values[id] = valueOf(p, id, totals, syscall);
  return values;
}

/** The full row of one process: its strings escaped, every column computed. */
function toRow(p: ProcessRow, ui: UiState): TableRow {
  return {
    key: p.key,
    pid: p.pid,
    count: 1,
    user: escapeControl(p.user),
    name: escapeControl(p.comm),
    cmdline: escapeControl(p.cmdline),
    container: escapeControl(p.container ?? ''),
    group: null,
    exited: p.exitedAt !== null,
    values: valuesOf(p, ui.totals, ui.syscall),
    history: p.history,
    nameHits: [],
    cmdHits: [],
  };
}

/** Adds `from` into `into`, aligning both at their newest sample. */
function addHistory(into: number[], from: readonly number[]): void {
  if (from.length > into.length) into.unshift(...new Array<number>(from.length - into.length).fill(0));
  const at = into.length - from.length;
  from.forEach((v, i) => (into[at + i] = (into[at + i] ?? 0) + v));
}

/** One row per container ("host" outside containers), summing its processes. */
function groupByContainer(processes: readonly ProcessRow[], ui: UiState): TableRow[] {
  const groups = new Map<string, TableRow>();
  const labels = new Map<string, string>();
  for (const p of processes) {
    const raw = p.container ?? '';
    let label = labels.get(raw);
    if (label === undefined) {
      label = raw === '' ? HOST : escapeControl(raw);
      labels.set(raw, label);
    }
    const values = valuesOf(p, ui.totals, ui.syscall);
    const g = groups.get(label);
    if (!g) {
      groups.set(label, {
        key: `container:${label}`,
        pid: null,
        count: 1,
        user: '',
        name: label,
        cmdline: '',
        container: raw === '' ? '' : label,
        group: label,
        exited: p.exitedAt !== null,
        values,
        history: [...p.history],
        nameHits: [],
        cmdHits: [],
      });
      continue;
    }
    g.count++;
    g.exited &&= p.exitedAt !== null;
    for (const id of NUMERIC_IDS) g.values[id] += values[id];
    addHistory(g.history, p.history);
  }
  return [...groups.values()];
}

/** The per-syscall view shows only processes that made that syscall. */
function usesSyscall(p: ProcessRow, syscall: SyscallName): boolean {
  const st = p.syscalls[syscall];
  return st !== undefined && st.total.calls + st.total.errors > 0;
}

const FILTER_KEYS = [
  (r: TableRow) => r.name,
  (r: TableRow) => r.cmdline,
  (r: TableRow) => (r.pid === null ? '' : String(r.pid)),
  (r: TableRow) => r.user,
  (r: TableRow) => r.container,
];

/** Fuzzy filter; returns matching rows (with highlight positions) and their scores. */
function fuzzy(rows: TableRow[], query: string): { rows: TableRow[]; score: Map<string, number> } {
  const results = fuzzysort.go(query, rows, { keys: FILTER_KEYS });
  const score = new Map<string, number>();
  const out = results.map((res) => {
    score.set(res.obj.key, res.score);
    // A key's result carries the target it matched; an empty target means no match.
    const hits = (i: number, text: string) => (res[i]?.target === text && text !== '' ? res[i]?.indexes ?? [] : []);
    return { ...res.obj, nameHits: hits(0, res.obj.name), cmdHits: hits(1, res.obj.cmdline) };
  });
  return { rows: out, score };
}

/** Orders names as String.prototype.localeCompare does, without its per-call set-up. */
const collator = new Intl.Collator();

function compare(a: TableRow, b: TableRow, by: ColumnId): number {
  switch (by) {
    case 'pid':
      return (a.pid ?? -1) - (b.pid ?? -1);
    case 'user':
      return collator.compare(a.user, b.user);
    case 'comm':
      return collator.compare(a.name, b.name);
    default:
      return a.values[by] - b.values[by];
  }
}

/** Enough of a ranked row to select it and open it. */
export interface RowRef {
  key: string;
  /** Set on a per-container row. */
  group?: string | null;
}

/** Rows in display order, as far as keys and the selection care. */
export interface RowList {
  readonly length: number;
  /** The row at a display position. */
  at(i: number): RowRef | undefined;
  /** Display position of the row with this key, or -1. */
  indexOf(key: string): number;
}

export interface Ranking extends RowList {
  /** Full rows for display positions [from, to): built only for what is on screen. */
  rows(from: number, to: number): TableRow[];
}

/** A ranking over rows already in display order. */
export function listOf<T extends RowRef>(order: readonly T[]): RowList & { rows(from: number, to: number): T[] } {
  return {
    length: order.length,
    at: (i) => order[i],
    indexOf: (key) => order.findIndex((r) => r.key === key),
    rows: (from, to) => order.slice(from, to),
  };
}

/**
 * Processes in display order, ranked on the sort column alone: one number
 * per process (or, by name, one escaped string), no full rows. Only the
 * prefix that is asked for is ordered (a screenful, usually); a row's
 * position is found by counting the rows that rank before it.
 */
function rankProcesses(ps: readonly ProcessRow[], ui: UiState, sortBy: ColumnId): Ranking {
  const n = ps.length;
  const dir = ui.sortDesc ? -1 : 1;
  // Ties break on pid, then key, so equal rows never swap between frames.
  const tie = (a: number, b: number) => ps[a]!.pid - ps[b]!.pid || collator.compare(ps[a]!.key, ps[b]!.key);
  let cmp: (a: number, b: number) => number;
  if (sortBy === 'user' || sortBy === 'comm') {
    const names = ps.map((p) => escapeControl(sortBy === 'user' ? p.user : p.comm));
    cmp = (a, b) => dir * collator.compare(names[a]!, names[b]!) || tie(a, b);
  } else {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = sortBy === 'pid' ? ps[i]!.pid : valueOf(ps[i]!, sortBy, ui.totals, ui.syscall);
    cmp = (a, b) => dir * (v[a]! - v[b]!) || tie(a, b);
  }
  let top: number[] = [];
  // Grown in doubling steps so scrolling down one row at a time stays cheap.
  const prefix = (k: number): number[] => {
    if (k > top.length && top.length < n) top = smallest(n, Math.max(k, 2 * top.length), cmp);
    return top;
  };
  const positions = new Map<string, number>();
  return {
    length: n,
    at: (i) => (i >= 0 && i < n ? ps[prefix(i + 1)[i]!] : undefined),
    indexOf: (key) => {
      let at = positions.get(key);
      if (at === undefined) {
        const j = ps.findIndex((p) => p.key === key);
        at = j < 0 ? -1 : 0;
        if (j >= 0) for (let i = 0; i < n; i++) if (cmp(i, j) < 0) at++;
        positions.set(key, at);
      }
      return at;
    },
    rows: (from, to) => prefix(to).slice(from, to).map((i) => toRow(ps[i]!, ui)),
  };
}

/**
 * Rows in display order. While the filter line is open, the best fuzzy
 * matches rank first so typing finds the process; afterwards the sort
 * column rules again.
 */
export function rankRows(processes: readonly ProcessRow[], ui: UiState, sortBy: ColumnId): Ranking {
  const syscall = ui.syscall;
  const filtered = filterProcesses(ui, processes);
  const shown = syscall === null ? filtered : filtered.filter((p) => usesSyscall(p, syscall));
  const query = ui.filter.trim();
  if (!ui.groupByContainer && query === '') return rankProcesses(shown, ui, sortBy);
  let rows = ui.groupByContainer ? groupByContainer(shown, ui) : shown.map((p) => toRow(p, ui));
  let score: Map<string, number> | null = null;
  if (query !== '') ({ rows, score } = fuzzy(rows, query));
  const dir = ui.sortDesc ? -1 : 1;
  const byScore = ui.filterEditing ? score : null;
  rows.sort((a, b) => {
    if (byScore) {
      const d = (byScore.get(b.key) ?? 0) - (byScore.get(a.key) ?? 0);
      if (d !== 0) return d;
    }
    return dir * compare(a, b, sortBy) || (a.pid ?? 0) - (b.pid ?? 0) || collator.compare(a.key, b.key);
  });
  return listOf(rows);
}
