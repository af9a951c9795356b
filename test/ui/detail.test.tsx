import { comms, KEY, mount, tableLines } from './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeModel } from '../fixtures/synthetic.js';

test('Enter drills in and calls watch(key); Esc and Backspace go back with watch(null)', async () => {
  const ui = await mount(makeModel({ processes: 3 }));
  await ui.press('j', KEY.enter);
  assert.deepEqual(ui.calls, [['watch', '1001:5001']]);
  assert.match(ui.frame(), /PID 1001 nginx +user www-data +container c0ffee1/);
  await ui.press(KEY.escape);
  assert.deepEqual(ui.calls.at(-1), ['watch', null]);
  assert.equal(tableLines(ui.frame()).length, 3);
  await ui.press(KEY.enter, KEY.backspace);
  assert.deepEqual(ui.calls.slice(-2), [
    ['watch', '1001:5001'],
    ['watch', null],
  ]);
  ui.unmount();
});

test('panes that need detail say collecting… until detail for this key arrives', async () => {
  // The model carries detail for process 1, but we open process 0.
  const ui = await mount(makeModel({ processes: 3, detailFor: 1 }));
  await ui.press(KEY.enter, '2');
  assert.ok(ui.frame().includes('collecting…'));
  await ui.update(makeModel({ processes: 3, detailFor: 0 }));
  assert.ok(!ui.frame().includes('collecting…'));
  assert.ok(ui.frame().includes('dnsmasq-w2'));
  ui.unmount();
});

test('Summary: per-syscall calls, messages, bytes, avg size, errors by errno', async () => {
  const ui = await mount(makeModel({ processes: 3, detailFor: 1 }));
  await ui.press('j', KEY.enter);
  const f = ui.frame();
  assert.match(f, /SYSCALL +CALLS\/s +MSG\/s +BYTES\/s +ERR\/s +CALLS +MSGS +BYTES +AVG MSG +ERRS/);
  // nginx (i=1 of 3): sends 200/s: sendmsg 120 msgs, sendmmsg 80 msgs in 20 calls
  assert.match(f, /sendmsg +120 +120 +23\.4KiB +0 +7\.2k +7\.2k +1\.4MiB +200B +0/);
  assert.match(f, /sendmmsg +20 +80 +/);
  assert.match(f, /recvmsg +70 +70 .* 50B +60/);
  assert.match(f, /EAGAIN \(11\) +recvmsg +1 +60/);
  ui.unmount();
});

test('Tab and 1-6 switch panes; each renders its data', async () => {
  const ui = await mount(makeModel({ processes: 3, detailFor: 0 }), { columns: 120, rows: 40 });
  await ui.press(KEY.enter, KEY.tab);
  let f = ui.frame();
  assert.match(f, /TID +NAME +MSG\/s/);
  assert.match(f, /1002 +dnsmasq-w2 +45 +30 +15 .*\n +1001 +dnsmasq-w1/, 'busiest thread first');

  await ui.press('3');
  f = ui.frame();
  assert.match(f, /FAMILY +PROTO +LOCAL +REMOTE/);
  assert.match(f, /inet +udp +127\.0\.0\.1:53 +127\.0\.0\.1:40001 +30 +30/);
  assert.match(f, /unix +dgram +@journal-socket +- +20/);
  assert.match(f, /sysv-msg +- +msqid 3/);

  await ui.press('4');
  f = ui.frame();
  assert.match(f, /send +recv/);
  assert.match(f, /128-255 +80 █+/);
  assert.match(f, /1K-2K +2 █/);
  assert.match(f, /32-63 +0 +32-63 +40 █+/);
  // From the first bucket in use (size 0: recv 3) to the last (1K-2K: send 2).
  const lines = f.split('\n');
  const top = lines.findIndex((l) => /^send +recv$/.test(l));
  const labels = lines.slice(top + 1, top + 14).map((l) => l.trim().split(/\s+/)[0] ?? '');
  assert.deepEqual(labels, ['0', '1', '2-3', '4-7', '8-15', '16-31', '32-63', '64-127', '128-255', '256-511', '512-1023', '1K-2K', '']);
  assert.match(lines[top + 1]!, /^ +0 +0 +0 +3 █+$/);

  await ui.press('5');
  f = ui.frame();
  assert.match(f, /messages\/s +now 690 +max 690/);
  assert.match(f, /bytes\/s +now 77\.1KiB/);
  assert.ok((f.match(/█/g) ?? []).length > 50, 'block chart drawn');

  await ui.press('6');
  f = ui.frame();
  assert.match(f, /TIME +TID +SYSCALL +FD +RESULT +FLAGS +PEER/);
  assert.match(f, /msgsnd +6 +139 +MSG_DONTWAIT +inet\/udp 127\.0\.0\.1:53 → 127\.0\.0\.1:40039/);
  assert.ok(f.includes('EAGAIN'));

  await ui.press(KEY.tab);
  assert.match(ui.frame(), /SYSCALL +CALLS\/s/, 'Tab wraps to Summary');
  ui.unmount();
});

test('Events pane scrolls back and returns to newest; space pauses it', async () => {
  const ui = await mount(makeModel({ processes: 3, detailFor: 0 }), { columns: 120, rows: 30 });
  await ui.press(KEY.enter, '6');
  assert.ok(ui.frame().includes('40039'), 'newest visible');
  await ui.press(KEY.pageUp);
  assert.ok(!ui.frame().includes('40039'));
  assert.ok(ui.frame().includes('scrolled back'));
  await ui.press('G');
  assert.ok(ui.frame().includes('40039'));
  await ui.press(' ');
  const m = makeModel({ processes: 3, detailFor: 0 });
  m.detail?.events.push({ ...(m.detail.events.at(-1) as NonNullable<typeof m.detail>['events'][number]), remote: 'NEWEST' });
  await ui.update(m);
  assert.ok(!ui.frame().includes('NEWEST'), 'paused');
  await ui.press(' ');
  assert.ok(ui.frame().includes('NEWEST'), 'live again');
  ui.unmount();
});

test('e opens the global events pane via setGlobalEvents; Esc closes it', async () => {
  const ui = await mount(makeModel({ processes: 3, events: 20 }), { columns: 120, rows: 30 });
  await ui.press('e');
  assert.deepEqual(ui.calls, [['setGlobalEvents', true]]);
  const f = ui.frame();
  assert.match(f, /TIME +PID +COMM +TID +SYSCALL/);
  assert.match(f, /1000 dnsmasq/);
  assert.match(f, /2000 other/);
  await ui.press(KEY.escape);
  assert.deepEqual(ui.calls.at(-1), ['setGlobalEvents', false]);
  assert.equal(tableLines(ui.frame()).length, 3);
  ui.unmount();
});

test('s picks a syscall and ranks processes by it', async () => {
  const m = makeModel({ processes: 7 });
  const ui = await mount(m, { columns: 120 });
  await ui.press('s');
  assert.ok(ui.frame().includes('Rank processes by syscall'));
  // SYSCALLS order: sendmsg recvmsg sendmmsg recvmmsg msgsnd
  await ui.press('j', 'j', 'j', 'j', KEY.enter);
  const f = ui.frame();
  assert.ok(f.includes('[syscall msgsnd]'));
  assert.match(f, /PID USER +COMM +CALLS\/s▼ +MSG\/s +BYTES\/s +ERR\/s/);
  // msgsnd only in i%3==0 (0, 3, 6), calls = i+1: the quietest process ranks first
  assert.deepEqual(comms(f), ['sshd', 'redis-server', 'dnsmasq']);
  await ui.press(KEY.escape);
  assert.equal(comms(ui.frame()).length, 7);
  assert.match(ui.frame(), /MSG\/s▼/, 'sort falls back to msgs');
  ui.unmount();
});

test('initial state can open a process directly (CLI preset)', async () => {
  const ui = await mount(makeModel({ processes: 3, detailFor: 2 }), {
    initial: { view: 'detail', detailKey: '1002:5002', pane: 'threads' },
  });
  assert.deepEqual(ui.calls, [['watch', '1002:5002']]);
  assert.ok(ui.frame().includes('postgres-w1'));
  ui.unmount();
});

test('an exited process shows its final totals; a vanished one says so', async () => {
  const ui = await mount(makeModel({ processes: 3, overrides: { 0: { exitedAt: 5 } } }));
  await ui.press(KEY.enter);
  assert.ok(ui.frame().includes('[exited, final totals]'));
  await ui.update(makeModel({ processes: 0 }));
  assert.ok(ui.frame().includes('no longer reported'));
  ui.unmount();
});

test('narrow Peers pane drops TX and RX byte columns together', async () => {
  const ui = await mount(makeModel({ processes: 3, detailFor: 0 }), { columns: 80, rows: 24 });
  await ui.press(KEY.enter, '3');
  const f = ui.frame();
  assert.ok(!f.includes('TX BYTES') && !f.includes('RX BYTES'));
  assert.match(f, /TX MSGS +RX MSGS/);
  ui.unmount();
});
