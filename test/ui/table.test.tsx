import { comms, mount, tableLines } from './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeModel } from '../fixtures/synthetic.js';
import { textWidth } from '../../src/ui/fit.js';

test('header shows host, kernel, probes, ipc, interval, uptime, totals and cost', async () => {
  const ui = await mount(makeModel({ processes: 5 }));
  const f = ui.frame();
  for (const s of ['db-01', 'kernel 6.18.0', 'probes sock', 'SysV ipc on', 'every 1s', 'up 1h02m']) assert.ok(f.includes(s), s);
  // Why auto chose that mode, last on the line: cut first when narrow.
  assert.match(f, /up 1h02m {2}\(sock: cheapest: sock tracepoints on…$/m);
  const wide = await mount(makeModel({ processes: 5 }), { columns: 160 });
  assert.match(wide.frame(), /up 1h02m {2}\(sock: cheapest: sock tracepoints on 6\.18\)$/m);
  // What msgtop costs, to the end of the line at this width: the stall and
  // the sample's own time (a frame's only in the live table, which measures it).
  assert.match(wide.frame(), /msgtop cpu 1\.20%, rss 48\.0MiB, stall 4ms \(sample 3\)$/m);
  wide.unmount();
  // 5 processes: sends 100*(5..1) = 1500/s, receives 750/s
  assert.match(f, /msgs\/s 2\.3k {2}send 1\.5k {2}recv 750/);
  assert.match(f, /drops 0 {2}missed 0 {2}map-full 0 {2}lost 0/);
  assert.match(f, /bpf 0\.31% of a core, msgtop cpu 1\.20%/);
  ui.unmount();
});

test('header: who msgtop runs as, a failed msgsnd/msgrcv attach, a BPF cost it cannot measure', async () => {
  const base = makeModel({ processes: 2 });
  const root = await mount({ ...base, privileges: { uid: 0, gid: 0, user: 'root', caps: ['bpf'], dropped: false } }, { columns: 160 });
  assert.match(root.frame(), /up 1h02m {2}as root {2}\(sock:/);
  root.unmount();
  const dropped = await mount(
    {
      ...base,
      privileges: { uid: 1000, gid: 1000, user: 'alice', caps: ['perfmon', 'bpf'], dropped: true },
      ipc: { mode: 'auto', tracing: false, since: null, error: 'cannot attach: Permission denied' },
      cost: { ...base.cost, bpfNsPerSec: null },
    },
    { columns: 160 },
  );
  const f = dropped.frame();
  assert.match(f, /SysV ipc FAILED \(auto\)/);
  assert.match(f, /up 1h02m {2}as user alice \+perfmon,bpf {2}\(sock:/);
  assert.match(f, /cost: bpf n\/a, msgtop cpu 1\.20%/);
  dropped.unmount();
});

test('drops and full maps are highlighted only when non-zero', async () => {
  const calm = await mount(makeModel());
  assert.doesNotMatch(calm.raw(), /(\u001b\[(7|41)m)+[^\n]*drops/, 'no highlight when zero');
  calm.unmount();
  const health = { ringbufDrops: 12, detailMapFull: 3, progMissed: 2 };
  const red = await mount(makeModel({ health }));
  // Events lost, of every event produced (1,000 delivered + 12 lost).
  assert.match(red.frame(), /drops 12 of 1\.0k {2}missed 2/);
  assert.match(red.raw(), /\u001b\[41m[^\n]*drops 12/);
  assert.match(red.raw(), /\u001b\[41m[^\n]*missed 2/);
  assert.match(red.raw(), /\u001b\[41m[^\n]*map-full 3/);
  red.unmount();
  const mono = await mount(makeModel({ health }), { noColor: true });
  assert.match(mono.raw(), /\u001b\[7m[^\n]*drops 12/);
  assert.match(mono.raw(), /\u001b\[7m[^\n]*map-full 3/);
  mono.unmount();
});

test('table ranks processes by messages/s with formatted columns', async () => {
  const ui = await mount(makeModel({ processes: 5 }));
  const f = ui.frame();
  assert.match(f, /PID USER +COMM +MSG\/s▼ +SEND\/s +RECV\/s +IN\/s +OUT\/s +ERR\/s/);
  assert.deepEqual(comms(f), ['dnsmasq', 'nginx', 'postgres', 'redis-server', 'haproxy']);
  const first = tableLines(f)[0] ?? '';
  // 750 msgs/s = 500 sent (200B each) + 250 received (50B each)
  assert.match(first, /1000 root +dnsmasq +750 +500 +250 +12\.2KiB +97\.7KiB +0/);
  ui.unmount();
});

test('selected row is inverse; exited processes are dimmed', async () => {
  const ui = await mount(makeModel({ processes: 3, overrides: { 2: { exitedAt: 1 } } }));
  const lines = ui.raw().split('\n');
  assert.ok(lines.find((l) => l.includes('dnsmasq'))?.includes('\u001b[7m'), 'first row selected');
  assert.ok(lines.find((l) => l.includes('postgres'))?.includes('\u001b[2m'), 'exited row dim');
  assert.ok(!lines.find((l) => l.includes('nginx'))?.includes('\u001b[2m'), 'live row not dim');
  ui.unmount();
});

test('80x24 keeps the core columns and fits every line', async () => {
  const ui = await mount(makeModel({ processes: 40 }), { columns: 80, rows: 24 });
  const f = ui.frame();
  const lines = f.split('\n');
  assert.ok(lines.length <= 23, `at most 23 lines, got ${lines.length}`);
  for (const l of lines) assert.ok([...l].length <= 80, `too wide: ${l}`);
  assert.match(f, /PID USER +COMM +MSG\/s▼ +SEND\/s +RECV\/s +IN\/s +OUT\/s +ERR\/s/);
  assert.ok(!f.includes('sendmsg') && !f.includes('HISTORY'), 'per-syscall columns and sparkline dropped');
  assert.ok(tableLines(f).length >= 15, 'rows fill the screen');
  ui.unmount();
});

test('200 columns show per-syscall columns, sparkline, container and cmdline', async () => {
  const ui = await mount(makeModel({ processes: 3 }), { columns: 200, rows: 30 });
  const f = ui.frame();
  assert.match(f, /sendmsg +recvmsg +sendmmsg +recvmmsg +msgsnd HISTORY +CONTAINER +CMDLINE/);
  assert.match(f, /c0ffee1 +\/usr\/sbin\/nginx --flag=1/);
  assert.match(f, /[▁▂▃▄▅▆▇█]{5}/);
  ui.unmount();
});

test('resize drops columns and shows a clear message when too small', async () => {
  const ui = await mount(makeModel(), { columns: 200, rows: 30 });
  assert.ok(ui.frame().includes('recvmmsg'));
  await ui.resize(100, 30);
  assert.ok(!ui.frame().includes('recvmmsg'));
  assert.ok(ui.frame().includes('MSG/s'));
  await ui.resize(50, 8);
  assert.match(ui.frame(), /too small \(50×8\).*60×10/);
  await ui.resize(80, 24);
  assert.ok(ui.frame().includes('dnsmasq'));
  ui.unmount();
});

test('wide characters in a name keep every column aligned', async () => {
  const ui = await mount(makeModel({ processes: 3, overrides: { 1: { comm: '日本語のプロセス名前長い', user: 'ユーザー名前' } } }), { columns: 120 });
  const f = ui.frame();
  const lines = f.split('\n');
  const header = lines.find((l) => l.includes('MSG/s▼')) ?? '';
  const end = textWidth(header.slice(0, header.indexOf('MSG/s▼') + 'MSG/s▼'.length));
  const wide = tableLines(f).find((l) => l.includes('日本語')) ?? '';
  assert.match(wide, /日本語.*…/, 'cut with an ellipsis');
  for (const line of tableLines(f)) {
    // The MSG/s value ends where its header does, on every row.
    const cells = line.trimEnd().split(/\s+/);
    const msgs = line.indexOf(` ${cells[4] ?? ''} `);
    assert.equal(textWidth(line.slice(0, msgs + 1 + (cells[4] ?? '').length)), end, line);
    assert.ok(textWidth(line) <= 120, `too wide: ${line}`);
  }
  ui.unmount();
});

test('NO_COLOR: no colour codes, still inverse for the selection', async () => {
  const ui = await mount(makeModel({ health: { ringbufDrops: 1 } }), { noColor: true });
  const raw = ui.raw();
  // 30-37/90-97 foreground, 40-47/100-107 background, 38/48 extended
  assert.doesNotMatch(raw, /\u001b\[(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]+)*m/);
  assert.ok(raw.includes('\u001b[7m'));
  ui.unmount();
});

test('empty model says so', async () => {
  const ui = await mount(makeModel({ processes: 0 }));
  assert.ok(ui.frame().includes('no message traffic seen yet'));
  ui.unmount();
});

test('header shows how full the kernel maps are, yellow from three quarters', async () => {
  const low = await mount(makeModel({ processes: 5 }));
  // 5 processes of 16,384: the procs map is the fullest
  assert.match(low.frame(), /lost 0 {2}maps 0\.03% {2}cost:/);
  low.unmount();
  const m = makeModel({ processes: 5 });
  const full = await mount({ ...m, maps: { counters: { used: 13_000, max: 16_384 * 4 }, procs: { used: 13_000, max: 16_384 }, errnos: { used: 0, max: 16_384 } } });
  assert.match(full.frame(), /maps 79\.3%/);
  assert.match(full.raw(), /\u001b\[33m[^\n]*maps 79\.3%/);
  full.unmount();
});
