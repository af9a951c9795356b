// Model -> table rows: presets, per-syscall view, container grouping, fuzzy
// filter, sort. Every string from a process is escaped here once, and the
// fuzzy match runs on the escaped text so highlight indexes line up with
// what is drawn.
import fuzzysort from 'fuzzysort';
import { type Counts, type ProcessRow, type Stat, type SyscallName } from '../data/model.js';
import { escapeControl } from '../data/sanitize.js';
import type { ColumnId, UiState } from './state.js';

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

/** Label for processes outside any container. */
export const HOST = 'host';

const ZERO: Counts = { calls: 0, messages: 0, bytes: 0, errors: 0 };

function pick(stat: Stat | undefined, totals: boolean): Counts {
  if (!stat) return ZERO;
  return totals ? stat.total : stat.rate;
}

// Plain field reads: this runs for every process on every sample.
function valuesOf(p: ProcessRow, totals: boolean, syscall: SyscallName | null): Record<NumericId, number> {
  const send = pick(p.send, totals);
  const recv = pick(p.recv, totals);
  const sys = (name: SyscallName) => pick(p.syscalls[name], totals).messages;
  const only = syscall === null ? null : pick(p.syscalls[syscall], totals);
  return {
    msgs: only ? only.messages : send.messages + recv.messages,
    send: send.messages,
    recv: recv.messages,
    in: recv.bytes,
    out: send.bytes,
    err: only ? only.errors : send.errors + recv.errors,
    calls: only ? only.calls : send.calls + recv.calls,
    bytes: only ? only.bytes : send.bytes + recv.bytes,
    sendmsg: sys('sendmsg'),
    recvmsg: sys('recvmsg'),
    sendmmsg: sys('sendmmsg'),
    recvmmsg: sys('recvmmsg'),
    msgsnd: sys('msgsnd'),
  };
}

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

/** Adds b into a, aligning histories at their newest sample. */
function merge(a: TableRow, b: TableRow): TableRow {
  const values = { ...a.values };
  for (const id of Object.keys(values) as NumericId[]) values[id] += b.values[id];
  const len = Math.max(a.history.length, b.history.length);
  const history = Array.from({ length: len }, (_, i) => {
    const ai = a.history[a.history.length - len + i] ?? 0;
    const bi = b.history[b.history.length - len + i] ?? 0;
    return ai + bi;
  });
  return { ...a, count: a.count + b.count, exited: a.exited && b.exited, values, history };
}

function groupByContainer(rows: TableRow[]): TableRow[] {
  const groups = new Map<string, TableRow>();
  for (const r of rows) {
    const label = r.container === '' ? HOST : r.container;
    const seed: TableRow = { ...r, key: `container:${label}`, pid: null, user: '', name: label, cmdline: '', group: label };
    const prev = groups.get(label);
    groups.set(label, prev ? merge(prev, r) : seed);
  }
  return [...groups.values()];
}

function matchesPresets(p: ProcessRow, ui: UiState): boolean {
  if (ui.pid !== null && p.pid !== ui.pid) return false;
  // Substring, like the CLI's --comm (src/preset.ts).
  if (ui.comm !== null && !p.comm.includes(ui.comm)) return false;
  if (ui.container !== null) {
    if (ui.container === HOST) return p.container === null;
    if (p.container === null || !p.container.startsWith(ui.container)) return false;
  }
  if (ui.syscall !== null) {
    const st = p.syscalls[ui.syscall];
    if (!st || st.total.calls + st.total.errors === 0) return false;
  }
  return true;
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

function compare(a: TableRow, b: TableRow, by: ColumnId): number {
  switch (by) {
    case 'pid':
      return (a.pid ?? -1) - (b.pid ?? -1);
    case 'user':
      return a.user.localeCompare(b.user);
    case 'comm':
      return a.name.localeCompare(b.name);
    default:
      return a.values[by] - b.values[by];
  }
}

/**
 * Rows in display order. While the filter line is open, the best fuzzy
 * matches rank first so typing finds the process; afterwards the sort
 * column rules again.
 */
export function deriveRows(processes: readonly ProcessRow[], ui: UiState, sortBy: ColumnId): TableRow[] {
  let rows = processes.filter((p) => matchesPresets(p, ui)).map((p) => toRow(p, ui));
  if (ui.groupByContainer) rows = groupByContainer(rows);
  let score: Map<string, number> | null = null;
  const query = ui.filter.trim();
  if (query !== '') ({ rows, score } = fuzzy(rows, query));
  const dir = ui.sortDesc ? -1 : 1;
  const byScore = ui.filterEditing ? score : null;
  return rows.sort((a, b) => {
    if (byScore) {
      const d = (byScore.get(b.key) ?? 0) - (byScore.get(a.key) ?? 0);
      if (d !== 0) return d;
    }
    // Ties break on pid so equal rows never swap between frames.
    return dir * compare(a, b, sortBy) || (a.pid ?? 0) - (b.pid ?? 0) || a.key.localeCompare(b.key);
  });
}
