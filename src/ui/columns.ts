// Table columns and which of them fit. When the terminal is narrow the
// least important columns go first: cmdline, container, sparkline, then the
// per-syscall columns, so PID/COMM/MSG/s are always there.
import { BYTES_WIDTH, COUNT_WIDTH } from './format.js';
import type { NumericId } from './rows.js';
import type { ColumnId, UiState } from './state.js';

export type ColumnKind = 'count' | 'bytes' | 'text' | 'spark';

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

// Room for a gap and the value, or for the label plus its sort arrow.
const COUNT = COUNT_WIDTH + 3;
const BYTES = BYTES_WIDTH + 1;
const SYS = 10;
export const SPARK_WIDTH = 10;

const col = (id: Column['id'], rate: string, total: string, kind: ColumnKind, width: number, priority: number): Column => ({
  id,
  rate,
  total,
  kind,
  width,
  priority,
});

const PID = col('pid', 'PID', 'PID', 'text', 7, 100);
const USER = col('user', 'USER', 'USER', 'text', 9, 60);
const COMM = col('comm', 'COMM', 'COMM', 'text', 16, 99);
const CTR = col('ctr', 'CONTAINER', 'CONTAINER', 'text', 14, 30);
const CMDLINE = col('cmdline', 'CMDLINE', 'CMDLINE', 'text', 20, 20);
const SPARK = col('spark', 'HISTORY', 'HISTORY', 'spark', SPARK_WIDTH + 1, 40);

const PROCESS_COLUMNS: Column[] = [
  PID,
  USER,
  COMM,
  col('msgs', 'MSG/s', 'MSGS', 'count', COUNT, 98),
  col('send', 'SEND/s', 'SEND', 'count', COUNT, 90),
  col('recv', 'RECV/s', 'RECV', 'count', COUNT, 90),
  col('in', 'IN/s', 'IN', 'bytes', BYTES, 80),
  col('out', 'OUT/s', 'OUT', 'bytes', BYTES, 80),
  col('err', 'ERR/s', 'ERR', 'count', COUNT - 1, 70),
  col('sendmsg', 'sendmsg', 'sendmsg', 'count', SYS, 50),
  col('recvmsg', 'recvmsg', 'recvmsg', 'count', SYS, 49),
  col('sendmmsg', 'sendmmsg', 'sendmmsg', 'count', SYS, 48),
  col('recvmmsg', 'recvmmsg', 'recvmmsg', 'count', SYS, 47),
  col('msgsnd', 'msgsnd', 'msgsnd', 'count', SYS, 46),
  SPARK,
  CTR,
  CMDLINE,
];

// "Who calls recvmmsg?": that syscall's own numbers.
const SYSCALL_COLUMNS: Column[] = [
  PID,
  USER,
  COMM,
  col('calls', 'CALLS/s', 'CALLS', 'count', COUNT + 1, 98),
  col('msgs', 'MSG/s', 'MSGS', 'count', COUNT, 97),
  col('bytes', 'BYTES/s', 'BYTES', 'bytes', BYTES + 1, 90),
  col('err', 'ERR/s', 'ERR', 'count', COUNT - 1, 70),
  SPARK,
  CTR,
  CMDLINE,
];

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
  return !['pid', 'user', 'comm', 'spark', 'ctr', 'cmdline'].includes(id);
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
