// Every key, defined once: which strokes do what, the help overlay's line
// and the footer's hint. actions.ts acts on the Action a stroke maps to;
// help.tsx, footer.tsx and the detail pane tabs print from this table.
// Some keys belong to one mode: the refresh interval to the live kernel,
// playback to a recording (--replay); each mode has its own help and footers.
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
  | 'quit'
  // Playback of a recording.
  | 'step-back'
  | 'step-forward'
  | 'jump-back'
  | 'jump-forward'
  | 'start'
  | 'end'
  | 'speed';

/** live: the kernel now; replay: a recording (--replay). */
export type Mode = 'live' | 'replay';

/** Keys of the open filter line, where printable keys are text. */
export type LineAction = 'keep' | 'clear' | 'erase' | 'erase-all';

interface KeyDef<A extends string> {
  /** Each stroke and what it does (in one mode only when a third element
   * says so); the help line lists them in this order. */
  strokes: readonly (readonly [Stroke, A] | readonly [Stroke, A, Mode])[];
  /** Help overlay text; null: not listed. */
  help: string | null;
  /** Footer hint per view: the keys (strokes at `hintKeys`, default all), then this word. */
  hint?: Partial<Record<View, string>>;
  hintKeys?: readonly number[];
  /** The whole definition exists in this mode only. */
  mode?: Mode;
  /** In a replay: this help text and these hints instead. */
  replay?: { help: string; hint?: Partial<Record<View, string>> };
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
    strokes: [[ch(' '), 'pause'], [ch('p'), 'pause', 'replay']],
    help: 'pause display (counting continues)',
    hint: { processes: 'pause', detail: 'pause', events: 'pause' },
    hintKeys: [0],
    replay: { help: 'play / pause the recording', hint: { processes: 'play', detail: 'play', events: 'play' } },
  },
  {
    // Pairs, back then forward; the help line names them in that order.
    strokes: [
      [ch(','), 'step-back'],
      [ch('.'), 'step-forward'],
      [ch('['), 'jump-back'],
      [ch(']'), 'jump-forward'],
      [ch('{'), 'start'],
      [ch('}'), 'end'],
      [ch('x'), 'speed'],
    ],
    help: 'step · jump 10 · first/last interval · speed 1× 4× 16×',
    hint: { processes: 'step', detail: 'step', events: 'step' },
    hintKeys: [0, 1],
    mode: 'replay',
  },
  {
    strokes: [[ch('+'), 'slower'], [ch('-'), 'faster'], [ch('='), 'slower']],
    help: 'refresh interval up / down (0.5 1 2 5 10 s)',
    mode: 'live',
  },
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

/** The strokes of a definition that exist in `mode` (none if the definition does not). */
function strokesIn<A extends string>(def: KeyDef<A>, mode: Mode): (readonly [Stroke, A])[] {
  if (def.mode !== undefined && def.mode !== mode) return [];
  return def.strokes.filter((s) => s[2] === undefined || s[2] === mode).map((s) => [s[0], s[1]] as const);
}

function lookup<A extends string>(table: readonly KeyDef<A>[], k: Stroke, mode: Mode): A | null {
  for (const def of table) for (const [s, a] of strokesIn(def, mode)) if (same(s, k)) return a;
  return null;
}

export function actionOf(k: Stroke, mode: Mode = 'live'): Action | null {
  return lookup(KEYS, k, mode);
}

export function lineActionOf(k: Stroke): LineAction | null {
  return lookup(LINE_KEYS, k, 'live');
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
function keysText(def: KeyDef<string>, at?: readonly number[], mode: Mode = 'live'): string {
  const picked = at === undefined ? def.strokes : at.map((i) => def.strokes[i]!);
  const strokes = picked.filter((s) => s[2] === undefined || s[2] === mode);
  const text = strokes.map(([s]) => label(s)).join(' ');
  // Digits read as a range, arrows as one glyph pair.
  return text.replace(/\b1 2 3 4 5 (\d)\b/, '1-$1').replace('↑ ↓', '↑↓');
}

function helpLines(mode: Mode): readonly (readonly [string, string])[] {
  return KEYS.flatMap((def) => {
    const help = mode === 'replay' && def.replay ? def.replay.help : def.help;
    if (help === null || strokesIn(def, mode).length === 0) return [];
    const line = [[keysText(def, undefined, mode), help] as const];
    if (!def.strokes.some(([, a]) => a === 'filter')) return line;
    const shown = LINE_KEYS.filter((l) => l.help !== null);
    return [...line, [`  ${shown.map((l) => keysText(l)).join(' ')}`, `  ${shown.map((l) => l.help).join(' / ')}`] as const];
  });
}

/** Help overlay lines: [keys, what they do]; the filter line's keys indented under "/". */
export const HELP = helpLines('live');
/** The same in a replay: playback keys instead of the refresh interval. */
export const REPLAY_HELP = helpLines('replay');

function hints(table: readonly KeyDef<string>[], view: View, sep: string, mode: Mode = 'live'): string {
  return table
    .flatMap((def) => {
      if (strokesIn(def, mode).length === 0) return [];
      const word = (mode === 'replay' ? def.replay?.hint?.[view] : undefined) ?? def.hint?.[view];
      return word === undefined ? [] : [`${keysText(def, def.hintKeys, mode)} ${word}`];
    })
    .join(sep);
}

const footers = (mode: Mode): Record<View, string> => ({
  processes: hints(KEYS, 'processes', '  ', mode),
  detail: hints(KEYS, 'detail', '  ', mode),
  events: hints(KEYS, 'events', '  ', mode),
  'pick-syscall': hints(KEYS, 'pick-syscall', '  ', mode),
});

/** Footer text per view. */
export const FOOTER: Record<View, string> = footers('live');
export const REPLAY_FOOTER: Record<View, string> = footers('replay');

/** Footer while the filter line is open. */
export const LINE_FOOTER = hints(LINE_KEYS, 'processes', ' · ');

function defOf(action: Action): KeyDef<Action> {
  return KEYS.find((d) => d.strokes.some(([, a]) => a === action))!;
}

/** The detail pane tabs' reminder: "Tab/1-6 switch · Esc back". */
export const PANE_HINT = `${keysText(defOf('pane'), PANE_KEYS).replace(' ', '/')} switch · ${keysText(defOf('back'), [0])} back`;
