import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleKey, resolveSelection, type KeyContext } from '../../src/ui/actions.js';
import { listOf } from '../../src/ui/rank.js';
import { DEFAULT_STATE, type UiState } from '../../src/ui/state.js';
import type { Stroke } from '../../src/ui/keys.js';
import { FOOTER, HELP, KEYS } from '../../src/ui/keymap.js';

const ctx: KeyContext = {
  rows: listOf(['a', 'b', 'c', 'd'].map((key) => ({ key, group: null }))),
  sortable: ['pid', 'user', 'comm', 'msgs', 'send'],
  pageSize: 2,
  listLength: 10,
  anchor: 'top',
  watching: true,
};

function press(state: UiState, ...keys: Stroke[]) {
  let s = state;
  const effects = [];
  for (const k of keys) {
    const out = handleKey(s, k, ctx);
    s = out.state;
    effects.push(...out.effects);
  }
  return { s, effects };
}

const ch = (c: string): Stroke => ({ char: c });

test('selection resolves by key, falling back to the clamped index', () => {
  const rows = listOf([{ key: 'a' }, { key: 'b' }]);
  assert.equal(resolveSelection(rows, { selectedKey: 'b', selectedIndex: 0 }), 1);
  assert.equal(resolveSelection(rows, { selectedKey: 'gone', selectedIndex: 5 }), 1);
  assert.equal(resolveSelection(listOf([]), { selectedKey: null, selectedIndex: 0 }), -1);
});

test('page keys move by the page size and stop at the ends', () => {
  const { s } = press(DEFAULT_STATE, { name: 'pagedown' }, { name: 'pagedown' }, { name: 'pagedown' });
  assert.equal(s.selectedKey, 'd');
  assert.equal(press(s, { name: 'pageup' }).s.selectedKey, 'b');
});

test('sort moves wrap around and choose a natural direction', () => {
  const { s } = press(DEFAULT_STATE, ch('<'));
  assert.equal(s.sortBy, 'comm');
  assert.equal(s.sortDesc, false, 'names A-Z');
  assert.equal(press(DEFAULT_STATE, ch('>'), ch('>')).s.sortBy, 'pid', 'wraps');
});

test('interval steps stop at the ends without asking the engine', () => {
  const fast = { ...DEFAULT_STATE, intervalMs: 500 };
  assert.deepEqual(press(fast, ch('-')).effects, []);
  const slow = { ...DEFAULT_STATE, intervalMs: 10000 };
  assert.deepEqual(press(slow, ch('+')).effects, []);
  assert.deepEqual(press({ ...DEFAULT_STATE, intervalMs: 1500 }, ch('-')).effects, [{ kind: 'interval', ms: 1000 }]);
});

test('Shift-Tab and arrows cycle panes backwards in the detail view', () => {
  const detail: UiState = { ...DEFAULT_STATE, view: 'detail', detailKey: 'a' };
  assert.equal(press(detail, { name: 'backtab' }).s.pane, 'events');
  assert.equal(press(detail, { name: 'right' }, { name: 'right' }).s.pane, 'peers');
});

test('list scrolling is clamped; events scroll up from the newest', () => {
  const detail: UiState = { ...DEFAULT_STATE, view: 'detail', pane: 'threads', detailKey: 'a' };
  assert.equal(press(detail, ch('G')).s.scroll, 8, 'listLength - pageSize');
  const events = { ...ctx, anchor: 'bottom' as const };
  const up = handleKey({ ...detail, pane: 'events' }, ch('k'), events).state;
  assert.equal(up.scroll, 1);
  assert.equal(handleKey(up, ch('j'), events).state.scroll, 0);
});

test('pasted control bytes never enter the filter text', () => {
  const editing = { ...DEFAULT_STATE, filterEditing: true };
  assert.equal(press(editing, ch('a\u0007b\u001bc')).s.filter, 'abc');
});

test('Esc in the table peels the syscall view, then the filters', () => {
  const s: UiState = { ...DEFAULT_STATE, syscall: 'recvmmsg', filter: 'x', pids: [3], comm: 'ng', container: 'host' };
  const once = press(s, { name: 'escape' }).s;
  assert.equal(once.syscall, null);
  assert.equal(once.filter, 'x');
  const twice = press(once, { name: 'escape' }).s;
  assert.deepEqual([twice.filter, twice.pids, twice.comm, twice.container], ['', [], null, null]);
});

test('the key table binds each stroke once, and help and footers come from it', () => {
  const seen = KEYS.flatMap((d) => d.strokes.map(([s]) => JSON.stringify(s)));
  assert.deepEqual(seen.filter((s, i) => seen.indexOf(s) !== i), []);
  assert.deepEqual(HELP.at(-1), ['q F10 Ctrl-C', 'quit']);
  assert.equal(FOOTER['pick-syscall'], '↑↓ choose  Enter rank by it  Esc cancel');
});
