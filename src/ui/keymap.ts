// Every key, defined once: which strokes do what, the help overlay's line
// and the footer's hint. actions.ts acts on the Action a stroke maps to;
// help.tsx, footer.tsx and the detail pane tabs print from this table.
import type { NamedKey, Stroke } from './keys.js';
import type { View } from './state.js';

export type Action =
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'first'
  | 'last'
  | 'open'
  | 'back'
  | 'filter'
  | 'sort-prev'
  | 'sort-next'
  | 'invert'
  | 'pane'
  | 'pane-next'
  | 'pane-prev'
  | 'totals'
  | 'pause'
  | 'faster'
  | 'slower'
  | 'group'
  | 'syscall'
  | 'events'
  | 'help'
  | 'suspend'
  | 'quit';

/** Keys of the open filter line, where printable keys are text. */
export type LineAction = 'keep' | 'clear' | 'erase' | 'erase-all';

interface KeyDef<A extends string> {
  /** Each stroke and what it does; the help line lists them in this order. */
  strokes: readonly (readonly [Stroke, A])[];
  /** Help overlay text; null: not listed. */
  help: string | null;
  /** Footer hint per view: the keys (strokes at `hintKeys`, default all), then this word. */
  hint?: Partial<Record<View, string>>;
  hintKeys?: readonly number[];
}

const ch = (c: string): Stroke => ({ char: c });
const named = (name: NamedKey): Stroke => ({ name });
/** Tab and 1-6: the pane keys people are told about. */
const PANE_KEYS = [0, 4, 5, 6, 7, 8, 9];
const digits = (n: number) => Array.from({ length: n }, (_, i) => [ch(String(i + 1)), 'pane'] as const);

export const KEYS: readonly KeyDef<Action>[] = [
  {
    strokes: [[named('up'), 'up'], [named('down'), 'down'], [ch('j'), 'down'], [ch('k'), 'up']],
    help: 'move selection / scroll',
    hint: { detail: 'scroll', events: 'scroll', 'pick-syscall': 'choose' },
    hintKeys: [0, 1],
  },
  {
    strokes: [[named('pageup'), 'page-up'], [named('pagedown'), 'page-down']],
    help: 'page up / down',
    hint: { events: 'scroll' },
  },
  {
    strokes: [[ch('g'), 'first'], [ch('G'), 'last'], [named('home'), 'first'], [named('end'), 'last']],
    help: 'first / last',
    hint: { events: 'newest' },
    hintKeys: [1],
  },
  {
    strokes: [[named('enter'), 'open']],
    help: 'open process (or a container row)',
    hint: { processes: 'open', 'pick-syscall': 'rank by it' },
  },
  {
    strokes: [[named('escape'), 'back'], [named('backspace'), 'back']],
    help: 'back; in the table: leave syscall view, clear filters',
    hint: { detail: 'back', events: 'back', 'pick-syscall': 'cancel' },
    hintKeys: [0],
  },
  {
    strokes: [[ch('/'), 'filter'], [named('f4'), 'filter']],
    help: 'filter (fuzzy: comm, cmdline, pid, user, container)',
    hint: { processes: 'filter' },
    hintKeys: [0],
  },
  {
    strokes: [[ch('<'), 'sort-prev'], [ch('>'), 'sort-next'], [named('f6'), 'sort-next']],
    help: 'sort by previous / next column',
    hint: { processes: 'sort' },
    hintKeys: [0, 1],
  },
  { strokes: [[ch('I'), 'invert']], help: 'invert sort order' },
  {
    strokes: [[named('tab'), 'pane-next'], [named('backtab'), 'pane-prev'], [named('right'), 'pane-next'], [named('left'), 'pane-prev'], ...digits(6)],
    help: 'switch pane: Summary Threads Peers Sizes History Events',
    hint: { detail: 'pane' },
    hintKeys: PANE_KEYS,
  },
  { strokes: [[ch('t'), 'totals']], help: 'rates per second / cumulative totals', hint: { processes: 'totals', detail: 'totals' } },
  {
    strokes: [[ch(' '), 'pause']],
    help: 'pause display (counting continues)',
    hint: { processes: 'pause', detail: 'pause', events: 'pause' },
  },
  { strokes: [[ch('+'), 'slower'], [ch('-'), 'faster'], [ch('='), 'slower']], help: 'refresh interval up / down (0.5 1 2 5 10 s)' },
  { strokes: [[ch('c'), 'group']], help: 'group rows by container / cgroup', hint: { processes: 'group' } },
  { strokes: [[ch('s'), 'syscall']], help: 'rank by one syscall (who calls recvmmsg?)', hint: { processes: 'syscall' } },
  { strokes: [[ch('e'), 'events']], help: 'events of all processes', hint: { processes: 'events' } },
  {
    strokes: [[ch('?'), 'help'], [named('f1'), 'help']],
    help: 'this help (any key closes)',
    hint: { processes: 'help', detail: 'help' },
    hintKeys: [0],
  },
  { strokes: [[named('ctrl-z'), 'suspend']], help: 'suspend to the shell (fg resumes; counting continues)' },
  {
    strokes: [[ch('q'), 'quit'], [named('f10'), 'quit'], [named('ctrl-c'), 'quit']],
    help: 'quit',
    hint: { processes: 'quit', detail: 'quit', events: 'quit' },
    hintKeys: [0],
  },
];

/** The open filter line; arrows and pages still move the selection, Ctrl-C still quits, Ctrl-Z still suspends. */
export const LINE_KEYS: readonly KeyDef<LineAction>[] = [
  { strokes: [[named('enter'), 'keep']], help: 'keep filter', hint: { processes: 'keep' } },
  { strokes: [[named('escape'), 'clear']], help: 'clear filter', hint: { processes: 'clear' } },
  { strokes: [[named('backspace'), 'erase'], [named('ctrl-u'), 'erase-all']], help: null },
];

function same(a: Stroke, b: Stroke): boolean {
  return 'name' in a ? 'name' in b && a.name === b.name : 'char' in b && a.char === b.char;
}

function lookup<A extends string>(table: readonly KeyDef<A>[], k: Stroke): A | null {
  for (const def of table) for (const [s, a] of def.strokes) if (same(s, k)) return a;
  return null;
}

export function actionOf(k: Stroke): Action | null {
  return lookup(KEYS, k);
}

export function lineActionOf(k: Stroke): LineAction | null {
  return lookup(LINE_KEYS, k);
}

const NAMES: Record<NamedKey, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  backspace: 'Backspace',
  tab: 'Tab',
  backtab: 'Shift-Tab',
  'ctrl-c': 'Ctrl-C',
  'ctrl-u': 'Ctrl-U',
  'ctrl-z': 'Ctrl-Z',
  f1: 'F1',
  f4: 'F4',
  f6: 'F6',
  f10: 'F10',
};

function label(s: Stroke): string {
  if ('name' in s) return NAMES[s.name];
  return s.char === ' ' ? 'space' : s.char;
}

/** The keys of a definition as people write them: "q F10 Ctrl-C", "1-6". */
function keysText(def: KeyDef<string>, at?: readonly number[]): string {
  const strokes = at === undefined ? def.strokes : at.map((i) => def.strokes[i]!);
  const text = strokes.map(([s]) => label(s)).join(' ');
  // Digits read as a range, arrows as one glyph pair.
  return text.replace(/\b1 2 3 4 5 (\d)\b/, '1-$1').replace('↑ ↓', '↑↓');
}

/** Help overlay lines: [keys, what they do]; the filter line's keys indented under "/". */
export const HELP: readonly (readonly [string, string])[] = KEYS.flatMap((def) => {
  const line = def.help === null ? [] : [[keysText(def), def.help] as const];
  if (!def.strokes.some(([, a]) => a === 'filter')) return line;
  const shown = LINE_KEYS.filter((l) => l.help !== null);
  return [...line, [`  ${shown.map((l) => keysText(l)).join(' ')}`, `  ${shown.map((l) => l.help).join(' / ')}`] as const];
});

function hints(table: readonly KeyDef<string>[], view: View, sep: string): string {
  return table
    .flatMap((def) => {
      const word = def.hint?.[view];
      return word === undefined ? [] : [`${keysText(def, def.hintKeys)} ${word}`];
    })
    .join(sep);
}

/** Footer text per view. */
export const FOOTER: Record<View, string> = {
  processes: hints(KEYS, 'processes', '  '),
  detail: hints(KEYS, 'detail', '  '),
  events: hints(KEYS, 'events', '  '),
  'pick-syscall': hints(KEYS, 'pick-syscall', '  '),
};

/** Footer while the filter line is open. */
export const LINE_FOOTER = hints(LINE_KEYS, 'processes', ' · ');

function defOf(action: Action): KeyDef<Action> {
  return KEYS.find((d) => d.strokes.some(([, a]) => a === action))!;
}

/** The detail pane tabs' reminder: "Tab/1-6 switch · Esc back". */
export const PANE_HINT = `${keysText(defOf('pane'), PANE_KEYS).replace(' ', '/')} switch · ${keysText(defOf('back'), [0])} back`;
