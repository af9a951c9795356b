// UI state: everything the user changes with keys. Lives in React state
// inside <App>; the Model stays a prop. Serializable, so the CLI can preset
// any part of it (--filter/--pid/--comm/--container/--interval) via `initial`.
import type { ProcessFilter } from '../data/model/filter.js';
import type { SyscallName } from '../data/model/model.js';
import type { ColumnId } from './columns.js';

export const PANES = ['summary', 'threads', 'peers', 'sizes', 'history', 'events'] as const;
export type PaneName = (typeof PANES)[number];

export type View =
  | 'processes' // ranked table
  | 'detail' // drilled into one process
  | 'events' // global events pane
  | 'pick-syscall'; // choosing a syscall for the per-syscall ranking

/** The process filter (pids, comm, container) is UI state too: shown in
 * the header, cleared by Esc, preset from --pid/--comm/--container. */
export interface UiState extends ProcessFilter {
  view: View;
  pane: PaneName;
  /** Selection follows this process key when the ranking changes. */
  selectedKey: string | null;
  /** Fallback position when the selected key disappears. */
  selectedIndex: number;
  /** The process drilled into (what controls.watch was given). */
  detailKey: string | null;
  sortBy: ColumnId;
  /** true: largest first. */
  sortDesc: boolean;
  /** Cumulative totals instead of per-second rates. */
  totals: boolean;
  /** Freeze the displayed model; new ones still arrive. */
  paused: boolean;
  /** Aggregate rows per container ("host" when none). */
  groupByContainer: boolean;
  /** Fuzzy filter text (fuzzysort over comm, cmdline, pid, user, container). */
  filter: string;
  /** The filter line is open and receives typed keys. */
  filterEditing: boolean;
  /** Per-syscall ranking: "who calls recvmmsg?". */
  syscall: SyscallName | null;
  /** Cursor in the syscall picker. */
  pickIndex: number;
  help: boolean;
  /** Lines scrolled up from the newest event, or down in other lists. */
  scroll: number;
  /** The refresh interval asked for (--interval, then + and -). The
   * Model's intervalMs is the one measured between its samples. */
  intervalMs: number;
}

export const DEFAULT_STATE: UiState = {
  view: 'processes',
  pane: 'summary',
  selectedKey: null,
  selectedIndex: 0,
  detailKey: null,
  sortBy: 'msgs',
  sortDesc: true,
  totals: false,
  paused: false,
  groupByContainer: false,
  filter: '',
  filterEditing: false,
  pids: [],
  comm: null,
  container: null,
  syscall: null,
  pickIndex: 0,
  help: false,
  scroll: 0,
  intervalMs: 1000,
};

export function initialState(initial?: Partial<UiState>): UiState {
  return { ...DEFAULT_STATE, ...initial };
}

/** Refresh interval steps for + and -. */
export const INTERVAL_STEPS_MS = [500, 1000, 2000, 5000, 10000];
