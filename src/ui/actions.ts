// Key handling as a pure function: (state, keystroke, context) -> new state
// plus the requests to send through Controls. App.tsx applies both.
import { NO_FILTER } from '../data/model/filter.js';
import { SYSCALLS } from '../data/model/model.js';
import { isChar, isNamed, type Stroke } from './keys.js';
import type { RowList } from './rows.js';
import { INTERVAL_STEPS_MS, PANES, type ColumnId, type UiState } from './state.js';

export type Effect =
  | { kind: 'watch'; key: string | null }
  | { kind: 'interval'; ms: number }
  | { kind: 'global-events'; on: boolean }
  | { kind: 'quit' };

/** What the current screen looks like, as far as keys care. */
export interface KeyContext {
  /** Table rows in display order; group is set on per-container rows. */
  rows: RowList;
  /** Sortable columns currently on screen, left to right. */
  sortable: readonly ColumnId[];
  /** Lines available for the list or pane body. */
  pageSize: number;
  /** Lines in the scrollable list of the current pane. */
  listLength: number;
  /** Events scroll up from the newest line; other lists scroll down from the top. */
  anchor: 'top' | 'bottom';
  /** Interval of the model on screen, the base for + and -. */
  intervalMs: number;
}

export interface Outcome {
  state: UiState;
  effects: Effect[];
}

const TEXT_COLUMNS: readonly ColumnId[] = ['pid', 'user', 'comm'];

export function resolveSelection(rows: RowList, s: Pick<UiState, 'selectedKey' | 'selectedIndex'>): number {
  if (rows.length === 0) return -1;
  const at = s.selectedKey === null ? -1 : rows.indexOf(s.selectedKey);
  return at >= 0 ? at : Math.min(Math.max(0, s.selectedIndex), rows.length - 1);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function stepInterval(current: number, dir: 1 | -1): number {
  if (dir > 0) return INTERVAL_STEPS_MS.find((ms) => ms > current) ?? current;
  return [...INTERVAL_STEPS_MS].reverse().find((ms) => ms < current) ?? current;
}

/** Moves the selection by delta rows, or to an absolute end (±Infinity). */
function moveSelection(s: UiState, ctx: KeyContext, delta: number): UiState {
  if (ctx.rows.length === 0) return s;
  const next = clamp(resolveSelection(ctx.rows, s) + delta, 0, ctx.rows.length - 1);
  return { ...s, selectedIndex: next, selectedKey: ctx.rows.at(next)?.key ?? null };
}

function scroll(s: UiState, ctx: KeyContext, delta: number): UiState {
  // delta > 0 means "towards the bottom of the screen".
  const signed = ctx.anchor === 'bottom' ? -delta : delta;
  const max = Math.max(0, ctx.listLength - ctx.pageSize);
  return { ...s, scroll: clamp(s.scroll + signed, 0, max) };
}

/** Arrow/page/home/end movement shared by every list: returns rows moved, or null. */
function motion(k: Stroke, page: number): number | null {
  if (isNamed(k, 'up') || isChar(k, 'k')) return -1;
  if (isNamed(k, 'down') || isChar(k, 'j')) return 1;
  if (isNamed(k, 'pageup')) return -Math.max(1, page);
  if (isNamed(k, 'pagedown')) return Math.max(1, page);
  if (isNamed(k, 'home') || isChar(k, 'g')) return -Infinity;
  if (isNamed(k, 'end') || isChar(k, 'G')) return Infinity;
  return null;
}

function moveSort(s: UiState, ctx: KeyContext, dir: 1 | -1): UiState {
  if (ctx.sortable.length === 0) return s;
  const at = ctx.sortable.indexOf(s.sortBy);
  const base = at < 0 ? 0 : at;
  const next = ctx.sortable[(base + dir + ctx.sortable.length) % ctx.sortable.length] ?? s.sortBy;
  // Numbers rank largest first; names read A-Z.
  return { ...s, sortBy: next, sortDesc: !TEXT_COLUMNS.includes(next) };
}

function filterKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome | null {
  if (isNamed(k, 'enter')) return { state: { ...s, filterEditing: false }, effects: [] };
  if (isNamed(k, 'escape')) return { state: { ...s, filterEditing: false, filter: '' }, effects: [] };
  if (isNamed(k, 'backspace')) return { state: { ...s, filter: [...s.filter].slice(0, -1).join('') }, effects: [] };
  if (isNamed(k, 'ctrl-u')) return { state: { ...s, filter: '' }, effects: [] };
  if ('char' in k) {
    // Pasted text may carry control bytes; the filter line shows only printables.
    const printable = [...k.char].filter((c) => c >= ' ' && c !== '\u007f').join('');
    return { state: { ...s, filter: s.filter + printable, selectedIndex: 0, selectedKey: null }, effects: [] };
  }
  if (isNamed(k, 'up') || isNamed(k, 'down') || isNamed(k, 'pageup') || isNamed(k, 'pagedown')) {
    return { state: moveSelection(s, ctx, motion(k, ctx.pageSize) ?? 0), effects: [] };
  }
  return null;
}

function processesKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome | null {
  const moved = motion(k, ctx.pageSize);
  if (moved !== null) return { state: moveSelection(s, ctx, moved), effects: [] };
  if (isChar(k, '>') || isNamed(k, 'f6')) return { state: moveSort(s, ctx, 1), effects: [] };
  if (isChar(k, '<')) return { state: moveSort(s, ctx, -1), effects: [] };
  if (isChar(k, 'I')) return { state: { ...s, sortDesc: !s.sortDesc }, effects: [] };
  if (isChar(k, 'c')) return { state: { ...s, groupByContainer: !s.groupByContainer, selectedKey: null, selectedIndex: 0 }, effects: [] };
  if (isChar(k, '/') || isNamed(k, 'f4')) return { state: { ...s, filterEditing: true }, effects: [] };
  if (isChar(k, 'e')) return { state: { ...s, view: 'events', scroll: 0 }, effects: [{ kind: 'global-events', on: true }] };
  if (isChar(k, 's')) {
    const pickIndex = s.syscall === null ? 0 : SYSCALLS.indexOf(s.syscall);
    return { state: { ...s, view: 'pick-syscall', pickIndex }, effects: [] };
  }
  if (isNamed(k, 'enter')) {
    const row = ctx.rows.at(resolveSelection(ctx.rows, s));
    if (!row) return null;
    const group = row.group ?? null;
    if (group !== null) {
      // A container row opens as its process list.
      return { state: { ...s, groupByContainer: false, container: group, selectedKey: null, selectedIndex: 0 }, effects: [] };
    }
    return {
      state: { ...s, view: 'detail', detailKey: row.key, pane: 'summary', scroll: 0 },
      effects: [{ kind: 'watch', key: row.key }],
    };
  }
  if (isNamed(k, 'escape')) {
    // Peel one layer: the syscall ranking first, then filters.
    if (s.syscall !== null) return { state: { ...s, syscall: null }, effects: [] };
    return { state: { ...s, filter: '', ...NO_FILTER }, effects: [] };
  }
  return null;
}

function detailKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome | null {
  if (isNamed(k, 'escape') || isNamed(k, 'backspace')) {
    return { state: { ...s, view: 'processes', detailKey: null, scroll: 0 }, effects: [{ kind: 'watch', key: null }] };
  }
  const at = PANES.indexOf(s.pane);
  if (isNamed(k, 'tab') || isNamed(k, 'right')) return { state: { ...s, pane: PANES[(at + 1) % PANES.length] ?? s.pane, scroll: 0 }, effects: [] };
  if (isNamed(k, 'backtab') || isNamed(k, 'left')) {
    return { state: { ...s, pane: PANES[(at + PANES.length - 1) % PANES.length] ?? s.pane, scroll: 0 }, effects: [] };
  }
  if ('char' in k && /^[1-6]$/.test(k.char)) {
    return { state: { ...s, pane: PANES[Number(k.char) - 1] ?? s.pane, scroll: 0 }, effects: [] };
  }
  const moved = motion(k, ctx.pageSize);
  if (moved !== null) return { state: scroll(s, ctx, moved), effects: [] };
  return null;
}

function eventsKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome | null {
  if (isNamed(k, 'escape') || isNamed(k, 'backspace') || isChar(k, 'e')) {
    return { state: { ...s, view: 'processes', scroll: 0 }, effects: [{ kind: 'global-events', on: false }] };
  }
  const moved = motion(k, ctx.pageSize);
  if (moved !== null) return { state: scroll(s, ctx, moved), effects: [] };
  return null;
}

function pickKey(s: UiState, k: Stroke): Outcome | null {
  if (isNamed(k, 'escape') || isNamed(k, 'backspace')) return { state: { ...s, view: 'processes' }, effects: [] };
  if (isNamed(k, 'enter')) {
    const syscall = SYSCALLS[s.pickIndex] ?? null;
    return {
      state: { ...s, view: 'processes', syscall, sortBy: 'calls', sortDesc: true, selectedKey: null, selectedIndex: 0 },
      effects: [],
    };
  }
  const moved = motion(k, SYSCALLS.length);
  if (moved !== null) return { state: { ...s, pickIndex: clamp(s.pickIndex + moved, 0, SYSCALLS.length - 1) }, effects: [] };
  return null;
}

const QUIT: Outcome['effects'] = [{ kind: 'quit' }];

export function handleKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome {
  const unchanged: Outcome = { state: s, effects: [] };
  if (isNamed(k, 'ctrl-c')) return { state: s, effects: QUIT };
  if (s.filterEditing && s.view === 'processes') return filterKey(s, k, ctx) ?? unchanged;
  if (isChar(k, 'q') || isNamed(k, 'f10')) return { state: s, effects: QUIT };
  if (isChar(k, '?') || isNamed(k, 'f1')) return { state: { ...s, help: !s.help }, effects: [] };
  // Any other key just closes the help overlay.
  if (s.help) return { state: { ...s, help: false }, effects: [] };
  if (isChar(k, ' ')) return { state: { ...s, paused: !s.paused }, effects: [] };
  if (isChar(k, 't')) return { state: { ...s, totals: !s.totals }, effects: [] };
  if (isChar(k, '+', '=', '-')) {
    const base = s.intervalMs ?? ctx.intervalMs;
    const ms = stepInterval(base, isChar(k, '-') ? -1 : 1);
    if (ms === base) return unchanged;
    return { state: { ...s, intervalMs: ms }, effects: [{ kind: 'interval', ms }] };
  }
  const handler = { processes: processesKey, detail: detailKey, events: eventsKey, 'pick-syscall': pickKey }[s.view];
  return handler(s, k, ctx) ?? unchanged;
}
