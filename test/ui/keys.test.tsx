import { comms, KEY, mount, tableLines } from './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeModel, makeProcess } from '../fixtures/synthetic.js';
import { parseOptions } from '../../src/cli/options.js';
import { initialUi } from '../../src/cli/run-tui.js';

const BUSY_FIRST = ['dnsmasq', 'nginx', 'postgres', 'redis-server', 'haproxy'];

function selectedComm(raw: string): string | undefined {
  const line = raw.split('\n').find((l) => /^\u001b\[7m\s*\d+/.test(l.trimStart()) || /\u001b\[7m +\d+\u001b/.test(l));
  return line?.replace(/\u001b\[[0-9;]*m/g, '').trim().split(/\s+/)[2];
}

test('< > move the sort column, I inverts; the header marks it', async () => {
  const ui = await mount(makeModel({ processes: 5 }));
  assert.deepEqual(comms(ui.frame()), BUSY_FIRST);
  await ui.press('I');
  assert.deepEqual(comms(ui.frame()), [...BUSY_FIRST].reverse());
  assert.match(ui.frame(), /MSG\/s▲/);
  // ERR/s: process i has i errors/s, so descending is the reverse order.
  await ui.press('>', '>', '>', '>', '>');
  assert.match(ui.frame(), /ERR\/s▼/);
  assert.deepEqual(comms(ui.frame()), [...BUSY_FIRST].reverse());
  await ui.press('<', '<', '<', '<', '<', '<');
  assert.match(ui.frame(), /COMM▲/);
  assert.deepEqual(comms(ui.frame()), [...BUSY_FIRST].sort());
  await ui.press(KEY.f6);
  assert.match(ui.frame(), /MSG\/s▼/);
  ui.unmount();
});

test('arrows, j/k, g/G, Home/End, PgUp/PgDn move the selection', async () => {
  const ui = await mount(makeModel({ processes: 30 }), { columns: 100, rows: 20 });
  assert.equal(selectedComm(ui.raw()), 'dnsmasq');
  await ui.press('j', KEY.down);
  assert.equal(selectedComm(ui.raw()), 'postgres');
  await ui.press('k');
  assert.equal(selectedComm(ui.raw()), 'nginx');
  await ui.press('G');
  assert.equal(selectedComm(ui.raw()), 'worker29');
  assert.ok(ui.frame().includes('worker29'), 'table scrolled to the end');
  await ui.press('g');
  assert.equal(selectedComm(ui.raw()), 'dnsmasq');
  await ui.press(KEY.pageDown);
  assert.match(selectedComm(ui.raw()) ?? '', /^worker1\d$/);
  await ui.press(KEY.end, KEY.up);
  assert.equal(selectedComm(ui.raw()), 'worker28');
  await ui.press(KEY.home);
  assert.equal(selectedComm(ui.raw()), 'dnsmasq');
  ui.unmount();
});

test('selection follows the same process when the ranking changes', async () => {
  const ui = await mount(makeModel({ processes: 5 }));
  await ui.press('j', 'j');
  assert.equal(selectedComm(ui.raw()), 'postgres');
  // postgres becomes the busiest process
  const m = makeModel({ processes: 5 });
  m.processes[2] = makeProcess(2, 5, { send: makeModel({ processes: 50 }).send });
  await ui.update(m);
  assert.equal(comms(ui.frame())[0], 'postgres');
  assert.equal(selectedComm(ui.raw()), 'postgres');
  ui.unmount();
});

test('space pauses: the shown model stays while new ones arrive', async () => {
  const ui = await mount(makeModel({ processes: 3 }));
  await ui.press(' ');
  assert.ok(ui.frame().includes('[PAUSED]'));
  await ui.update(makeModel({ processes: 6 }));
  assert.equal(tableLines(ui.frame()).length, 3, 'still the paused model');
  await ui.press(' ');
  assert.equal(tableLines(ui.frame()).length, 6, 'live again');
  assert.ok(!ui.frame().includes('PAUSED'));
  ui.unmount();
});

test('t toggles rates and cumulative totals', async () => {
  const ui = await mount(makeModel({ processes: 3 }));
  assert.match(tableLines(ui.frame())[0] ?? '', /dnsmasq +450 /);
  await ui.press('t');
  const f = ui.frame();
  assert.match(f, /\[TOTALS\]/);
  assert.match(f, /PID USER +COMM +MSGS▼ +SEND +RECV +IN +OUT +ERR/);
  assert.match(tableLines(f)[0] ?? '', /dnsmasq +27\.0k /, '450/s for 60 s');
  ui.unmount();
});

test('+ and - step the interval through Controls', async () => {
  const ui = await mount(makeModel());
  await ui.press('+', '+', '-', '-', '-', '-');
  assert.deepEqual(
    ui.calls.filter((c) => c[0] === 'setIntervalMs').map((c) => c[1]),
    [2000, 5000, 2000, 1000, 500],
  );
  assert.match(ui.frame(), /every 0\.5s {2}/, 'the interval asked for, at once');
  // The Model's interval is the measured one: the header does not show it.
  const measured = makeModel();
  measured.intervalMs = 503;
  await ui.update(measured);
  assert.match(ui.frame(), /every 0\.5s {2}/);
  ui.unmount();
});

test('q, F10 and Ctrl-C quit', async () => {
  for (const key of ['q', KEY.f10, KEY.ctrlC]) {
    const ui = await mount(makeModel());
    await ui.press(key);
    assert.deepEqual(ui.calls, [['quit', null]], JSON.stringify(key));
    ui.unmount();
  }
});

test('Ctrl-Z suspends, in the table and with the filter line open', async () => {
  const ui = await mount(makeModel());
  await ui.press(KEY.ctrlZ);
  await ui.press('/');
  await ui.press(KEY.ctrlZ);
  assert.deepEqual(ui.calls, [['suspend', null], ['suspend', null]]);
  assert.match(ui.frame(), /^filter:/m, 'the filter line is still open');
  ui.unmount();
});

test('? and F1 show help listing the keys; any key closes it', async () => {
  for (const key of ['?', KEY.f1]) {
    const ui = await mount(makeModel());
    await ui.press(key);
    const f = ui.frame();
    for (const s of ['q F10 Ctrl-C', '/ F4', '< > F6', 'space', '+ -', 'Tab']) assert.ok(f.includes(s), s);
    await ui.press('x');
    assert.ok(!ui.frame().includes('msgtop keys'));
    assert.ok(ui.frame().includes('dnsmasq'));
    ui.unmount();
  }
});

test('c groups rows per container, "host" for none; Enter opens one', async () => {
  const ui = await mount(makeModel({ processes: 6 }));
  await ui.press('c');
  const f = ui.frame();
  assert.ok(f.includes('[by container]'));
  // i%3==0 -> host (0, 3), c0ffee1 (1, 4), c0ffee2 (2, 5)
  const names = tableLines(f).map((l) => l.trim().split(/\s+/)[1]);
  assert.deepEqual(names, ['host', 'c0ffee1', 'c0ffee2']);
  // host = processes 0 and 3: 150*6 + 150*3 msgs/s
  assert.match(tableLines(f)[0] ?? '', /×2 +host +1\.4k/);
  await ui.press('j', KEY.enter);
  assert.deepEqual(comms(ui.frame()), ['nginx', 'haproxy']);
  assert.ok(ui.frame().includes('container=c0ffee1'));
  await ui.press(KEY.escape);
  assert.equal(comms(ui.frame()).length, 6);
  ui.unmount();
});

test('the header shows the interval asked for (--interval), not the measured one', async () => {
  const m = makeModel();
  m.intervalMs = 250; // the quick first refresh
  const ui = await mount(m, { initial: initialUi(parseOptions(['--interval', '2'])) });
  assert.match(ui.frame(), /every 2s {2}up/);
  await ui.press('+');
  assert.match(ui.frame(), /every 5s {2}up/);
  assert.deepEqual(ui.calls, [['setIntervalMs', 5000]]);
  ui.unmount();
});
