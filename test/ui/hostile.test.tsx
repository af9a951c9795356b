import { KEY, mount } from './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTILE, makeHostileModel } from '../fixtures/synthetic.js';
import { textWidth } from '../../src/ui/fit.js';

const SGR = /\u001b\[[0-9;]*m/g;

/** Everything in a frame besides SGR styling must be printable text or newline. */
function assertSafe(frame: string, width: number, where: string): void {
  const text = frame.replace(SGR, '');
  // eslint-disable-next-line no-control-regex
  const bad = text.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  assert.equal(bad, null, `${where}: raw control ${JSON.stringify(bad?.[0])} in frame`);
  assert.ok(!text.includes('pwned\n') && !frame.includes('\u001b]'), `${where}: OSC survived`);
  for (const line of text.split('\n')) assert.ok(textWidth(line) <= width, `${where}: line of ${textWidth(line)} columns, wider than ${width}`);
  // What terminals draw at another width than msgtop measures is escaped.
  assert.doesNotMatch(text, /[\u{1f3fb}-\u{1f3ff}\ufe0f\u{1f1e6}-\u{1f1ff}\u00ad\u3164]|\u0915\u094d\u0937/u, `${where}: uneven text`);
}

test('hostile names never reach the terminal raw, in any view', async () => {
  const width = 200;
  const ui = await mount(makeHostileModel(), { columns: width, rows: 40 });
  const visit = async (where: string, ...keys: string[]) => {
    await ui.press(...keys);
    assertSafe(ui.raw(), width, where);
  };
  await visit('table');
  assert.ok(ui.frame().includes('\\x1b]0;pwned\\x07'), 'escaped form is shown');
  assert.ok(ui.frame().includes('\\x1b[2J'));
  assert.ok(ui.frame().includes('evil\\nname'));
  await visit('filter', '/', 'p', 'w', 'n', KEY.enter);
  await visit('unfiltered', KEY.escape);
  await visit('grouped', 'c');
  await visit('ungrouped', 'c');
  await visit('summary', KEY.enter);
  for (const pane of ['2', '3', '4', '5', '6']) await visit(`pane ${pane}`, pane);
  await visit('back', KEY.escape);
  await visit('global events', 'e');
  await visit('back from events', KEY.escape);
  await visit('syscall view', 's', KEY.enter);
  await visit('help', '?');
  // Every intermediate frame too, not just the last one.
  for (const [i, f] of ui.frames.entries()) assertSafe(f, width, `frame ${i}`);
  ui.unmount();
});

test('hostile names at 80 columns keep every line within the terminal', async () => {
  const ui = await mount(makeHostileModel(), { columns: 80, rows: 24 });
  assertSafe(ui.raw(), 80, 'table');
  assert.ok(ui.frame().split('\n').length <= 23);
  await ui.press(KEY.enter, '3');
  assertSafe(ui.raw(), 80, 'peers');
  ui.unmount();
});

test('double-width text cut at an odd width never overruns the line', async () => {
  for (const width of [81, 99, 121, 157]) {
    const ui = await mount(makeHostileModel(), { columns: width, rows: 30 });
    const from = ui.frames.length; // earlier ones were drawn at 100 columns, before the resize
    assertSafe(ui.raw(), width, `table at ${width}`);
    await ui.press(KEY.enter);
    assertSafe(ui.raw(), width, `detail at ${width}`);
    await ui.press('/', '字', '字');
    assertSafe(ui.raw(), width, `filter at ${width}`);
    for (const [i, f] of ui.frames.slice(from).entries()) assertSafe(f, width, `frame ${from + i} at ${width}`);
    ui.unmount();
  }
});

test('a long name is cut, not wrapped', async () => {
  const ui = await mount(makeHostileModel(), { columns: 120, rows: 30 });
  assert.ok(!ui.frame().includes(HOSTILE.long.slice(0, 200)));
  assert.ok(ui.frame().includes('AAAA'));
  ui.unmount();
});
