// Display order: the process filter, the per-syscall view, grouping, the
// fuzzy filter, then the sort. Without grouping or a fuzzy query, ranking
// reads one sort value per process and full rows are built only for the
// rows on screen.
import { filterProcesses } from '../data/model/filter.js';
import type { ProcessRow, SyscallName } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { valueOf, type ColumnId } from './columns.js';
import { fuzzy } from './fuzzy.js';
import { groupByContainer } from './group.js';
import { toRow, type TableRow } from './rows.js';
import type { UiState } from './state.js';
import { smallest } from './topk.js';

/** The per-syscall view shows only processes that made that syscall. */
function usesSyscall(p: ProcessRow, syscall: SyscallName): boolean {
  const st = p.syscalls[syscall];
  return st !== undefined && st.total.calls + st.total.errors > 0;
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
  /** > 0 on a folded row (exited processes, no live detail). */
  folded?: number;
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
    if (sortBy === 'pid') for (let i = 0; i < n; i++) v[i] = ps[i]!.pid;
    else {
      const value = valueOf(sortBy);
      for (let i = 0; i < n; i++) v[i] = value(ps[i]!, ui.totals, ui.syscall);
    }
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
