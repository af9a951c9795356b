import { comms, KEY, mount } from './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeModel } from '../fixtures/synthetic.js';
import { parseOptions } from '../../src/cli/options.js';
import { initialUi } from '../../src/cli/run-tui.js';

// The SGR codes right before the matched run must include bold and underline.
function emphasis(line: string, run: string): string {
  return line.match(new RegExp(`((?:\u001b\\[[0-9;]*m)+)${run}`))?.[1] ?? '';
}

test('/ then typing filters live; matched characters are highlighted', async () => {
  const ui = await mount(makeModel({ processes: 10 }));
  await ui.press('/', ...'redis');
  const f = ui.frame();
  assert.match(f, /filter: redis/, 'filter line shows the text');
  assert.deepEqual(comms(f), ['redis-server']);
  const line = ui.raw().split('\n').find((l) => l.includes('-server')) ?? '';
  assert.ok(emphasis(line, 'redis').includes('\u001b[1m'), 'bold');
  assert.ok(emphasis(line, 'redis').includes('\u001b[4m'), 'underline');
  assert.match(line.replace(/(\u001b\[[0-9;]*m)+/g, '|'), /\|redis\|-server/, 'exactly "redis" emphasised');
  ui.unmount();
});

test('Enter keeps the filter and shows it in the header; Esc while typing clears it', async () => {
  const ui = await mount(makeModel({ processes: 10 }));
  await ui.press('/', 'n', 'g', 'x', KEY.enter);
  assert.deepEqual(comms(ui.frame()), ['nginx']);
  assert.ok(ui.frame().includes('[filter /ngx]'));
  assert.ok(!ui.frame().includes('filter: '), 'filter line closed');
  // keys work normally again: q would quit, j moves
  await ui.press(KEY.f4, KEY.backspace, KEY.backspace, KEY.backspace, 'p', 'o', 's', 't');
  assert.deepEqual(comms(ui.frame()), ['postgres']);
  await ui.press(KEY.escape);
  assert.equal(comms(ui.frame()).length, 10);
  assert.ok(!ui.frame().includes('[filter'));
  ui.unmount();
});

test('q typed into the filter is text, not quit', async () => {
  const ui = await mount(makeModel({ processes: 10 }));
  await ui.press('/', 'q');
  assert.deepEqual(ui.calls, []);
  assert.match(ui.frame(), /filter: q/);
  ui.unmount();
});

test('matches pid, user, cmdline and container too', async () => {
  const ui = await mount(makeModel({ processes: 10 }));
  await ui.press('/', '1', '0', '0', '7');
  assert.deepEqual(comms(ui.frame()), ['systemd-journal']);
  await ui.press(KEY.escape, '/', ...'flag=4');
  assert.deepEqual(comms(ui.frame()), ['haproxy']);
  ui.unmount();
});

test('while typing, best fuzzy match ranks first; after Enter the sort column rules', async () => {
  // "nx" matches nginx (tight) and envoy/.. loosely; nginx is busier anyway,
  // so make a quiet exact match: comm "nx" on the least busy process.
  const m = makeModel({ processes: 10, overrides: { 9: { comm: 'nx', cmdline: 'nx' } } });
  const ui = await mount(m);
  await ui.press('/', 'n', 'x');
  assert.equal(comms(ui.frame())[0], 'nx', 'exact match first while typing');
  await ui.press(KEY.enter);
  const after = comms(ui.frame());
  assert.equal(after.at(-1), 'nx', 'back to msgs/s order');
  assert.ok(after.includes('nginx'));
  ui.unmount();
});

test('presets from initial state (--pid, --comm, --container, --filter)', async () => {
  const m = makeModel({ processes: 10 });
  const byPid = await mount(m, { initial: { pids: [1002] } });
  assert.deepEqual(comms(byPid.frame()), ['postgres']);
  assert.ok(byPid.frame().includes('[pid=1002]'));
  byPid.unmount();
  const byPids = await mount(m, { initial: { pids: [1002, 1005] } });
  assert.deepEqual(comms(byPids.frame()), ['postgres', 'chronyd']);
  assert.ok(byPids.frame().includes('[pid=1002,1005]'));
  byPids.unmount();
  const byComm = await mount(m, { initial: { comm: 'kafka' } });
  assert.deepEqual(comms(byComm.frame()), ['kafka']);
  byComm.unmount();
  const bySub = await mount(m, { initial: { comm: 'sql' } });
  assert.deepEqual(comms(bySub.frame()), [], 'no comm contains "sql"');
  bySub.unmount();
  const byPart = await mount(m, { initial: { comm: 'd-j' } });
  assert.deepEqual(comms(byPart.frame()), ['systemd-journal'], 'substring, like --comm');
  byPart.unmount();
  const byCtr = await mount(m, { initial: { container: 'c0ffee2' } });
  assert.deepEqual(comms(byCtr.frame()), ['postgres', 'chronyd', 'envoy']);
  byCtr.unmount();
  const host = await mount(m, { initial: { container: 'host' } });
  assert.deepEqual(comms(host.frame()), ['dnsmasq', 'redis-server', 'sshd', 'kafka']);
  host.unmount();
  const text = await mount(m, { initial: { filter: 'envoy' } });
  assert.deepEqual(comms(text.frame()), ['envoy']);
  assert.ok(text.frame().includes('[filter /envoy]'));
  text.unmount();
});

test('no match says how to get back', async () => {
  const ui = await mount(makeModel({ processes: 3 }));
  await ui.press('/', 'z', 'z', 'z', KEY.enter);
  assert.ok(ui.frame().includes('no process matches'));
  await ui.press(KEY.escape);
  assert.equal(comms(ui.frame()).length, 3);
  ui.unmount();
});

test('highlighting never splits an emoji', async () => {
  const ui = await mount(makeModel({ processes: 3, overrides: { 0: { comm: 'a😀b' } } }));
  await ui.press('/', 'a', '😀');
  const line = ui.raw().split('\n').find((l) => l.includes('1000')) ?? '';
  assert.ok(line.includes('😀'), 'emoji intact between style codes');
  ui.unmount();
});

test('--pid/--comm/--container are filters on screen that Esc clears, never a hidden one', async () => {
  const m = makeModel({ processes: 10 });
  for (const [argv, shown, tag] of [
    [['--comm', 'nginx'], ['nginx'], '[comm=nginx]'],
    [['--pid', '1002', '--pid', '1004'], ['postgres', 'haproxy'], '[pid=1002,1004]'],
    [['--container', 'c0ffee1'], ['nginx', 'haproxy', 'systemd-journal'], '[container=c0ffee1]'],
  ] as const) {
    const ui = await mount(m, { initial: initialUi(parseOptions([...argv])) });
    assert.deepEqual(comms(ui.frame()), shown, argv.join(' '));
    assert.match(ui.frame(), new RegExp(`^${tag.replace(/[[\]]/g, '\\$&')}$`, 'm'), 'the filter is on screen');
    await ui.press(KEY.escape);
    assert.equal(comms(ui.frame()).length, 10, 'Esc shows every process again');
    assert.ok(!ui.frame().includes(tag));
    ui.unmount();
  }
});

test('--container host keeps exactly the processes outside any container', async () => {
  const ui = await mount(makeModel({ processes: 10 }), { initial: initialUi(parseOptions(['--container', 'host'])) });
  assert.deepEqual(comms(ui.frame()), ['dnsmasq', 'redis-server', 'sshd', 'kafka']);
  assert.match(ui.frame(), /^\[container=host\]$/m);
  ui.unmount();
});
