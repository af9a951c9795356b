import { KEY, mount, tableLines } from './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeModel } from '../fixtures/synthetic.js';

// Process 2 of 5 (450 msgs/s, third busiest) is a folded row: 29,980 exited
// "churn" processes outside containers.
const folded = () =>
  makeModel({
    processes: 5,
    overrides: { 2: { key: 'folded:churn', pid: 0, startTicks: 0, comm: 'churn', folded: 29_980, exitedAt: 5, container: null } },
  });

// Wide enough for COMM to grow to its widest (25 cells).
const WIDE = { columns: 160 };

const churnLine = (frame: string) => frame.split('\n').find((l) => l.includes('churn')) ?? '';

test('a folded row: no pid, its count of exited processes after the name, dimmed, ranked like any row', async () => {
  const ui = await mount(folded(), WIDE);
  const f = ui.frame();
  assert.match(churnLine(f), /^ {6}— root +churn ×30\.0k exited +450 +300 +150 /);
  assert.equal(f.split('\n').filter((l) => /^\s*(\d+|—)\s/.test(l)).indexOf(churnLine(f)), 2, 'third by msgs/s');
  const raw = ui.raw().split('\n').find((l) => l.includes('churn')) ?? '';
  assert.ok(raw.includes('\u001b[2m'), 'dimmed');
  ui.unmount();
});

test('the fuzzy filter matches a folded row by its comm', async () => {
  const ui = await mount(folded(), WIDE);
  await ui.press('/', ...'churn', KEY.enter);
  const rows = ui.frame().split('\n').filter((l) => /^\s*(\d+|—)\s/.test(l));
  assert.equal(rows.length, 1);
  assert.match(rows[0]!, /^ {6}— root +churn ×30\.0k exited/);
  ui.unmount();
});

test('Enter on a folded row: its Summary, no watch(); other panes say there is no live detail', async () => {
  const ui = await mount(folded(), WIDE);
  await ui.press('j', 'j', KEY.enter);
  let f = ui.frame();
  assert.match(f, /^churn ×30\.0k exited {2}\[folded: final totals of 29980 processes\] {2}host$/m);
  // process 2 of 5 sends 300/s: sendmsg 180 msgs, 36.0KiB/s
  assert.match(f, /^sendmsg +180 +180 +35\.2KiB +0 +10\.8k +10\.8k +2\.1MiB +200B +0$/m);
  for (const pane of ['2', '3', '4', '5', '6']) {
    await ui.press(pane);
    f = ui.frame();
    assert.ok(f.includes('Folded rows have no live detail: exited processes, only their totals (Summary).'), pane);
    assert.ok(!f.includes('collecting…'), pane);
  }
  await ui.press(KEY.escape);
  assert.equal(tableLines(ui.frame()).length, 4);
  assert.deepEqual(ui.calls, [], 'watch is never called for a folded row');
  ui.unmount();
});

test('container grouping adds a folded row into its container', async () => {
  const ui = await mount(folded(), WIDE);
  await ui.press('c');
  // host: processes 0 and 3 (750 + 300 msgs/s) and the fold (450 msgs/s, 29,980 processes)
  assert.match(tableLines(ui.frame())[0] ?? '', /^ +×29982 +host +1\.5k /);
  ui.unmount();
});
