// Key handling as a pure function: (state, keystroke, context) -> new state
// plus the requests to send through Controls. App.tsx applies both.
import { NO_FILTER } from '../data/model/filter.js';
import { SYSCALLS } from '../data/model/model.js';
import type { Stroke } from './keys.js';
import { actionOf, lineActionOf, type Action } from './keymap.js';
import type { ReplayCommand } from './controls.js';
import type { RowList } from './rank.js';
import { isNumeric, type ColumnId } from './columns.js';
import { INTERVAL_STEPS_MS, PANES, type UiState } from './state.js';

export type Effect =
  | { kind: 'watch'; key: string | null }
  | { kind: 'interval'; ms: number }
  | { kind: 'global-events'; on: boolean }
  | { kind: 'suspend' }
  | { kind: 'replay'; cmd: ReplayCommand }
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
  /** The detail on screen was asked for with watch() (not a folded row). */
  watching: boolean;
  /** The Models come from a recording: the playback keys work, space plays and pauses. */
  replay?: boolean;
}

export interface Outcome {
  state: UiState;
  effects: Effect[];
}

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

/** Rows moved by a movement action, or null for any other action. */
function motion(a: Action | null, page: number): number | null {
  switch (a) {
    case 'up':
      return -1;
    case 'down':
      return 1;
    case 'page-up':
      return -Math.max(1, page);
    case 'page-down':
      return Math.max(1, page);
    case 'first':
      return -Infinity;
    case 'last':
      return Infinity;
    default:
      return null;
  }
}

function moveSort(s: UiState, ctx: KeyContext, dir: 1 | -1): UiState {
  if (ctx.sortable.length === 0) return s;
  const at = ctx.sortable.indexOf(s.sortBy);
  const base = at < 0 ? 0 : at;
  const next = ctx.sortable[(base + dir + ctx.sortable.length) % ctx.sortable.length] ?? s.sortBy;
  // Numbers rank largest first; names read A-Z.
  return { ...s, sortBy: next, sortDesc: isNumeric(next) };
}

function filterKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome | null {
  switch (lineActionOf(k)) {
    case 'keep':
      return { state: { ...s, filterEditing: false }, effects: [] };
    case 'clear':
      return { state: { ...s, filterEditing: false, filter: '' }, effects: [] };
    case 'erase':
      return { state: { ...s, filter: [...s.filter].slice(0, -1).join('') }, effects: [] };
    case 'erase-all':
      return { state: { ...s, filter: '' }, effects: [] };
  }
  if ('char' in k) {
    // Pasted text may carry control bytes; the filter line shows only printables.
    const printable = [...k.char].filter((c) => c >= ' ' && c !== '\u007f').join('');
    return { state: { ...s, filter: s.filter + printable, selectedIndex: 0, selectedKey: null }, effects: [] };
  }
  const a = actionOf(k);
  if (a === 'quit') return { state: s, effects: QUIT };
  if (a === 'suspend') return { state: s, effects: SUSPEND };
  // Arrows and pages still move the selection; Home/End belong to the text.
  if (a === 'up' || a === 'down' || a === 'page-up' || a === 'page-down') {
    return { state: moveSelection(s, ctx, motion(a, ctx.pageSize) ?? 0), effects: [] };
  }
  return null;
}

function processesKey(s: UiState, a: Action | null, ctx: KeyContext): Outcome | null {
  const moved = motion(a, ctx.pageSize);
  if (moved !== null) return { state: moveSelection(s, ctx, moved), effects: [] };
  switch (a) {
    case 'sort-next':
      return { state: moveSort(s, ctx, 1), effects: [] };
    case 'sort-prev':
      return { state: moveSort(s, ctx, -1), effects: [] };
    case 'invert':
      return { state: { ...s, sortDesc: !s.sortDesc }, effects: [] };
    case 'group':
      return { state: { ...s, groupByContainer: !s.groupByContainer, selectedKey: null, selectedIndex: 0 }, effects: [] };
    case 'filter':
      return { state: { ...s, filterEditing: true }, effects: [] };
    case 'events':
      return { state: { ...s, view: 'events', scroll: 0 }, effects: [{ kind: 'global-events', on: true }] };
    case 'syscall': {
      const pickIndex = s.syscall === null ? 0 : SYSCALLS.indexOf(s.syscall);
      return { state: { ...s, view: 'pick-syscall', pickIndex }, effects: [] };
    }
    case 'open': {
      const row = ctx.rows.at(resolveSelection(ctx.rows, s));
      if (!row) return null;
      const group = row.group ?? null;
      if (group !== null) {
        // A container row opens as its process list.
        return { state: { ...s, groupByContainer: false, container: group, selectedKey: null, selectedIndex: 0 }, effects: [] };
      }
      // Folded rows are exited processes: their Summary, nothing to watch.
      const watch: Effect[] = (row.folded ?? 0) > 0 ? [] : [{ kind: 'watch', key: row.key }];
      return {
        state: { ...s, view: 'detail', detailKey: row.key, pane: 'summary', scroll: 0 },
        effects: watch,
      };
    }
    case 'back':
      // Esc peels one layer: the syscall ranking first, then filters; Backspace too.
      if (s.syscall !== null) return { state: { ...s, syscall: null }, effects: [] };
      return { state: { ...s, filter: '', ...NO_FILTER }, effects: [] };
  }
  return null;
}

function detailKey(s: UiState, a: Action | null, ctx: KeyContext, k: Stroke): Outcome | null {
  const at = PANES.indexOf(s.pane);
  const toPane = (i: number): Outcome => ({ state: { ...s, pane: PANES[(i + PANES.length) % PANES.length] ?? s.pane, scroll: 0 }, effects: [] });
  switch (a) {
    case 'back':
      return { state: { ...s, view: 'processes', detailKey: null, scroll: 0 }, effects: ctx.watching ? [{ kind: 'watch', key: null }] : [] };
    case 'pane-next':
      return toPane(at + 1);
    case 'pane-prev':
      return toPane(at - 1);
    case 'pane':
      return 'char' in k ? toPane(Number(k.char) - 1) : null;
  }
  const moved = motion(a, ctx.pageSize);
  if (moved !== null) return { state: scroll(s, ctx, moved), effects: [] };
  return null;
}

function eventsKey(s: UiState, a: Action | null, ctx: KeyContext): Outcome | null {
  if (a === 'back' || a === 'events') {
    return { state: { ...s, view: 'processes', scroll: 0 }, effects: [{ kind: 'global-events', on: false }] };
  }
  const moved = motion(a, ctx.pageSize);
  if (moved !== null) return { state: scroll(s, ctx, moved), effects: [] };
  return null;
}

function pickKey(s: UiState, a: Action | null): Outcome | null {
  if (a === 'back') return { state: { ...s, view: 'processes' }, effects: [] };
  if (a === 'open') {
    const syscall = SYSCALLS[s.pickIndex] ?? null;
    return {
      state: { ...s, view: 'processes', syscall, sortBy: 'calls', sortDesc: true, selectedKey: null, selectedIndex: 0 },
      effects: [],
    };
  }
  const moved = motion(a, SYSCALLS.length);
  if (moved !== null) return { state: { ...s, pickIndex: clamp(s.pickIndex + moved, 0, SYSCALLS.length - 1) }, effects: [] };
  return null;
}

const QUIT: Outcome['effects'] = [{ kind: 'quit' }];
const SUSPEND: Outcome['effects'] = [{ kind: 'suspend' }];

/** What a key asks of the playback of a recording, if anything. */
const PLAYBACK: Partial<Record<Action, ReplayCommand>> = {
  pause: 'play-pause',
  'step-back': 'back',
  'step-forward': 'forward',
  'jump-back': 'back-10',
  'jump-forward': 'forward-10',
  start: 'first',
  end: 'last',
  speed: 'speed',
};

export function handleKey(s: UiState, k: Stroke, ctx: KeyContext): Outcome {
  const unchanged: Outcome = { state: s, effects: [] };
  if (s.filterEditing && s.view === 'processes') return filterKey(s, k, ctx) ?? unchanged;
  const a = actionOf(k, ctx.replay ? 'replay' : 'live');
  if (a === 'quit') return { state: s, effects: QUIT };
  if (a === 'suspend') return { state: s, effects: SUSPEND };
  if (a === 'help') return { state: { ...s, help: !s.help }, effects: [] };
  // Any other key just closes the help overlay.
  if (s.help) return { state: { ...s, help: false }, effects: [] };
  // In a replay, whatever the view: the next interval is what to look at.
  const cmd = ctx.replay && a !== null ? PLAYBACK[a] : undefined;
  if (cmd !== undefined) return { state: s, effects: [{ kind: 'replay', cmd }] };
  switch (a) {
    case 'pause':
      return { state: { ...s, paused: !s.paused }, effects: [] };
    case 'totals':
      return { state: { ...s, totals: !s.totals }, effects: [] };
    case 'slower':
    case 'faster': {
      const ms = stepInterval(s.intervalMs, a === 'faster' ? -1 : 1);
      if (ms === s.intervalMs) return unchanged;
      return { state: { ...s, intervalMs: ms }, effects: [{ kind: 'interval', ms }] };
    }
  }
  switch (s.view) {
    case 'processes':
      return processesKey(s, a, ctx) ?? unchanged;
    case 'detail':
      return detailKey(s, a, ctx, k) ?? unchanged;
    case 'events':
      return eventsKey(s, a, ctx) ?? unchanged;
    case 'pick-syscall':
      return pickKey(s, a) ?? unchanged;
  }
}
