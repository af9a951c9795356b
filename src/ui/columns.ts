// Every table column, defined once: id, titles, width, priority and, for
// numbers, how its value is read from a process. When the terminal is
// narrow the least important columns go first: cmdline, container,
// sparkline, then the per-syscall columns, so PID/COMM/MSG/s are always there.
import { ZERO } from '../data/model/counts.js';
import type { Counts, ProcessRow, Stat, SyscallName } from '../data/model/model.js';
import { BYTES_WIDTH, COUNT_WIDTH } from './format.js';
import type { UiState } from './state.js';

export type ColumnKind = 'count' | 'bytes' | 'text' | 'spark';

function pick(stat: Stat | undefined, totals: boolean): Counts {
  if (!stat) return ZERO;
  return totals ? stat.total : stat.rate;
}

/** In the per-syscall view, that syscall's own counts; else null. */
function only(p: ProcessRow, totals: boolean, syscall: SyscallName | null): Counts | null {
  return syscall === null ? null : pick(p.syscalls[syscall], totals);
}

/** Reads one number of a process: plain field reads, as ranking runs it on every process. */
type Value = (p: ProcessRow, totals: boolean, syscall: SyscallName | null) => number;

interface NumericDef {
  rate: string;
  total: string;
  kind: 'count' | 'bytes';
  width: number;
  priority: number;
  value: Value;
}

// Room for a gap and the value, or for the label plus its sort arrow.
const COUNT = COUNT_WIDTH + 3;
const BYTES = BYTES_WIDTH + 1;
const SYS = 10;
export const SPARK_WIDTH = 10;

const seed = (name: SyscallName, priority: number): NumericDef => ({
  rate: name,
  total: name,
  kind: 'count',
  width: SYS,
  priority,
  value: (p, totals) => pick(p.syscalls[name], totals).messages,
});

const NUMERIC = {
  msgs: {
    rate: 'MSG/s',
    total: 'MSGS',
    kind: 'count',
    width: COUNT,
    priority: 98,
    value: (p, t, s) => only(p, t, s)?.messages ?? pick(p.send, t).messages + pick(p.recv, t).messages,
  },
  send: { rate: 'SEND/s', total: 'SEND', kind: 'count', width: COUNT, priority: 90, value: (p, t) => pick(p.send, t).messages },
  recv: { rate: 'RECV/s', total: 'RECV', kind: 'count', width: COUNT, priority: 90, value: (p, t) => pick(p.recv, t).messages },
  in: { rate: 'IN/s', total: 'IN', kind: 'bytes', width: BYTES, priority: 80, value: (p, t) => pick(p.recv, t).bytes },
  out: { rate: 'OUT/s', total: 'OUT', kind: 'bytes', width: BYTES, priority: 80, value: (p, t) => pick(p.send, t).bytes },
  err: {
    rate: 'ERR/s',
    total: 'ERR',
    kind: 'count',
    width: COUNT - 1,
    priority: 70,
    value: (p, t, s) => only(p, t, s)?.errors ?? pick(p.send, t).errors + pick(p.recv, t).errors,
  },
  // CALLS outlives MSG/s: in the per-syscall view it is the first question.
  calls: {
    rate: 'CALLS/s',
    total: 'CALLS',
    kind: 'count',
    width: COUNT + 1,
    priority: 98.5,
    value: (p, t, s) => only(p, t, s)?.calls ?? pick(p.send, t).calls + pick(p.recv, t).calls,
  },
  bytes: {
    rate: 'BYTES/s',
    total: 'BYTES',
    kind: 'bytes',
    width: BYTES + 1,
    priority: 90,
    value: (p, t, s) => only(p, t, s)?.bytes ?? pick(p.send, t).bytes + pick(p.recv, t).bytes,
  },
  sendmsg: seed('sendmsg', 50),
  recvmsg: seed('recvmsg', 49),
  sendmmsg: seed('sendmmsg', 48),
  recvmmsg: seed('recvmmsg', 47),
  msgsnd: seed('msgsnd', 46),
} satisfies Record<string, NumericDef>;

export type NumericId = keyof typeof NUMERIC;
/** Sortable columns: the numbers, and three text columns. */
export type ColumnId = 'pid' | 'user' | 'comm' | NumericId;

export const NUMERIC_IDS = Object.keys(NUMERIC) as NumericId[];

/** How one numeric column is read from a process. */
export function valueOf(id: NumericId): Value {
  return NUMERIC[id].value;
}

export interface Column {
  id: ColumnId | 'spark' | 'ctr' | 'cmdline';
  /** Header label for rates and for totals. */
  rate: string;
  total: string;
  kind: ColumnKind;
  /** Cells are this wide, including a one-space gap on the left. */
  width: number;
  /** Higher survives longer when space runs out. */
  priority: number;
}

const text = (id: Column['id'], title: string, width: number, priority: number): Column => ({
  id,
  rate: title,
  total: title,
  kind: 'text',
  width,
  priority,
});

const PID = text('pid', 'PID', 7, 100);
const USER = text('user', 'USER', 9, 60);
const COMM = text('comm', 'COMM', 16, 99);
const CTR = text('ctr', 'CONTAINER', 14, 30);
const CMDLINE = text('cmdline', 'CMDLINE', 20, 20);
const SPARK: Column = { ...text('spark', 'HISTORY', SPARK_WIDTH + 1, 40), kind: 'spark' };

const numeric = (id: NumericId): Column => {
  const { rate, total, kind, width, priority } = NUMERIC[id];
  return { id, rate, total, kind, width, priority };
};

const PROCESS_COLUMNS: Column[] = [
  PID,
  USER,
  COMM,
  ...(['msgs', 'send', 'recv', 'in', 'out', 'err', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'msgsnd'] as const).map(numeric),
  SPARK,
  CTR,
  CMDLINE,
];

// "Who calls recvmmsg?": that syscall's own numbers.
const SYSCALL_COLUMNS: Column[] = [PID, USER, COMM, ...(['calls', 'msgs', 'bytes', 'err'] as const).map(numeric), SPARK, CTR, CMDLINE];

function available(ui: Pick<UiState, 'syscall' | 'groupByContainer'>): Column[] {
  const all = ui.syscall === null ? PROCESS_COLUMNS : SYSCALL_COLUMNS;
  // A per-container row has no single user, container or cmdline.
  return ui.groupByContainer ? all.filter((c) => c.id !== 'user' && c.id !== 'ctr' && c.id !== 'cmdline') : all;
}

/** COMM grows by at most this much before spare width goes to CMDLINE. */
const COMM_GROWTH = 9;

/** Columns that fit in `width`, in display order, with their final widths. */
export function fitColumns(width: number, ui: Pick<UiState, 'syscall' | 'groupByContainer'>): Column[] {
  const cols = available(ui);
  const dropOrder = [...cols].sort((a, b) => a.priority - b.priority);
  const kept = new Set(cols);
  let used = cols.reduce((n, c) => n + c.width, 0);
  for (const c of dropOrder) {
    if (used <= width) break;
    kept.delete(c);
    used -= c.width;
  }
  const spare = Math.max(0, width - used);
  const commExtra = Math.min(spare, COMM_GROWTH);
  return cols
    .filter((c) => kept.has(c))
    .map((c) => {
      if (c.id === 'comm') return { ...c, width: c.width + commExtra };
      if (c.id === 'cmdline') return { ...c, width: c.width + spare - commExtra };
      return c;
    });
}

export function isNumeric(id: Column['id']): id is NumericId {
  return id in NUMERIC;
}

/** Sortable column ids among `cols`. */
export function sortableIds(cols: readonly Column[]): ColumnId[] {
  return cols.flatMap((c) => (c.id === 'spark' || c.id === 'ctr' || c.id === 'cmdline' ? [] : [c.id]));
}

/** The sort column actually applied: the requested one if it exists in this view. */
export function effectiveSort(requested: ColumnId, ui: Pick<UiState, 'syscall' | 'groupByContainer'>): ColumnId {
  const ids = sortableIds(available(ui));
  return ids.includes(requested) ? requested : 'msgs';
}

/** Every column of this view at its base width (--batch prints them all). */
export function allColumns(ui: Pick<UiState, 'syscall' | 'groupByContainer'>): Column[] {
  return available(ui);
}

/** Names --sort takes: column ids. */
export const SORT_NAMES: readonly ColumnId[] = ['pid', 'user', 'comm', ...NUMERIC_IDS];

/** The column a --sort value names: an id ("msgs") or a title ("MSG/s",
 * "MSGS"), in any case; null when none. */
export function sortColumn(name: string): ColumnId | null {
  const n = name.toLowerCase();
  for (const id of SORT_NAMES) {
    if (id === n) return id;
    const c = isNumeric(id) ? NUMERIC[id] : null;
    if (c && (c.rate.toLowerCase() === n || c.total.toLowerCase() === n)) return id;
  }
  return null;
}
