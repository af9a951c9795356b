// Table rows: what a process (or a container) looks like on screen, every
// string from the process escaped and every numeric column computed. Built
// only for the rows on screen, or for all while grouping or filtering.
import type { ProcessRow } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { NUMERIC_IDS, valueOf, type NumericId } from './columns.js';
import type { UiState } from './state.js';

export interface TableRow {
  key: string;
  /** null on a per-container row and on a folded row. */
  pid: number | null;
  /** Processes behind this row (1 unless grouped or folded). */
  count: number;
  /** Exited processes folded into this row (ProcessRow.folded); 0 for a live or single one. */
  folded: number;
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

export function valuesOf(p: ProcessRow, ui: Pick<UiState, 'totals' | 'syscall'>): Record<NumericId, number> {
  const values = {} as Record<NumericId, number>;
  for (const id of NUMERIC_IDS) values[id] = valueOf(id)(p, ui.totals, ui.syscall);
  return values;
}

/** The full row of one process: its strings escaped, every column computed. */
export function toRow(p: ProcessRow, ui: Pick<UiState, 'totals' | 'syscall'>): TableRow {
  return {
    key: p.key,
    pid: p.folded > 0 ? null : p.pid,
    count: p.folded > 0 ? p.folded : 1,
    folded: p.folded,
    user: escapeControl(p.user),
    name: escapeControl(p.comm),
    cmdline: escapeControl(p.cmdline),
    container: escapeControl(p.container ?? ''),
    group: null,
    exited: p.exitedAt !== null,
    values: valuesOf(p, ui),
    history: p.history,
    nameHits: [],
    cmdHits: [],
  };
}
