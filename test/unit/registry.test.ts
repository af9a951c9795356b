import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupV2Path, containerId } from '../../src/data/proc/container.js';
import { parseStat, Registry, startTicks } from '../../src/data/proc/registry.js';
import { fakeProc, NS } from './fakeproc.js';

const HEX = 'a1b2c3d4e5f6'.padEnd(64, '0');

test('startTicks is start_ns in USER_HZ ticks, rounded down', () => {
  assert.equal(startTicks(0n), 0);
  assert.equal(startTicks(12_345_678_901n), 1234);
  assert.equal(startTicks(9_999_999n), 0);
});

test('container ids from cgroup v2 paths', () => {
  const cases: [string, string | null][] = [
    [`/system.slice/docker-${HEX}.scope`, 'a1b2c3d4e5f6'],
    [`/docker/${HEX}`, 'a1b2c3d4e5f6'],
    [`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234.slice/cri-containerd-${HEX}.scope`, 'a1b2c3d4e5f6'],
    [`/machine.slice/crio-${HEX}.scope`, 'a1b2c3d4e5f6'],
    [`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${HEX}.scope/container`, 'a1b2c3d4e5f6'],
    [`/kubepods/besteffort/pod0e5f/${HEX}`, 'a1b2c3d4e5f6'],
    ['/system.slice/dnsmasq.service', null],
    ['/', null],
    [`/some/app/${HEX}`, null],
    [`/system.slice/crio-conmon-${HEX}.scope`, null],
  ];
  for (const [path, id] of cases) assert.equal(containerId(path), id, path);
  assert.equal(cgroupV2Path('0::/system.slice/x.service\n'), '/system.slice/x.service');
  assert.equal(cgroupV2Path('12:cpu:/foo\n'), '');
});

test('parseStat copes with ") " inside comm', () => {
  const st = parseStat('7 (a) b (c) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 777 19 20');
  assert.deepEqual(st, { comm: 'a) b (c', state: 'S', startTicks: 777 });
  assert.equal(parseStat('7 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 777\n')!.startTicks, 777);
  assert.equal(parseStat('7 (a) S 1 2 3'), null);
  assert.equal(parseStat('7 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x 19'), null);
});

test('the test process itself, from the real /proc', () => {
  const ticks = parseStat(readFileSync('/proc/self/stat', 'utf8'))!.startTicks;
  const reg = new Registry();
  const info = reg.lookup(process.pid, BigInt(ticks) * 10_000_000n + 4_999_999n, true);
  assert.equal(info.pid, process.pid);
  assert.equal(info.startTicks, ticks);
  assert.equal(info.exitedAt, null);
  assert.equal(info.uid, process.geteuid!());
  // The name /etc/passwd gives the uid (the number itself when it has none).
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  assert.equal(info.user, passwd.find((f) => Number(f[2]) === info.uid)?.[0] ?? String(info.uid));
  assert.match(info.cmdline, /node/);
  assert.equal(info.comm, readFileSync('/proc/self/comm', 'utf8').trim());
  assert.equal(info.cgroup, cgroupV2Path(readFileSync('/proc/self/cgroup', 'utf8')));
  // The same process at another start time is a different (gone) process.
  assert.notEqual(reg.lookup(process.pid, BigInt(ticks + 1) * 10_000_000n, true).exitedAt, null);
});


test('fake /proc: identity, escaping, user names, container', () => {
  const f = fakeProc();
  try {
    f.proc(100, { comm: 'evil\x1b]0;x\x07', ticks: 500, cmdline: 'srv\0--port\x001\0', uid: 1000, cgroup: `/system.slice/docker-${HEX}.scope` });
    f.proc(101, { comm: 'b', ticks: 501, uid: 4242 });
    const a = f.reg.lookup(100, NS(500), true);
    assert.deepEqual(a, {
      pid: 100,
      startTicks: 500,
      comm: 'evil\\x1b]0;x\\x07',
      cmdline: 'srv --port 1',
      user: 'alice',
      uid: 1000,
      container: 'a1b2c3d4e5f6',
      cgroup: `/system.slice/docker-${HEX}.scope`,
      exitedAt: null,
    });
    const b = f.reg.lookup(101, NS(501), true);
    assert.equal(b.user, '4242');
    assert.equal(b.container, null);
    const k = f.reg.lookup(0, 0n, false);
    assert.equal(k.comm, '[kernel]');
    assert.equal(k.exitedAt, null);
  } finally {
    f.done();
  }
});

test('fake /proc: exit keeps the last info; an active process is not re-checked', () => {
  const f = fakeProc();
  try {
    f.proc(100, { comm: 'srv', ticks: 500 });
    f.reg.lookup(100, NS(500), true);
    f.kill(100);
    f.advance(500);
    assert.equal(f.reg.lookup(100, NS(500), true).exitedAt, null, 'active: trusted alive until the next refresh');
    const gone = f.reg.lookup(100, NS(500), false);
    assert.equal(gone.exitedAt, f.now());
    assert.equal(gone.comm, 'srv');
  } finally {
    f.done();
  }
});

test('fake /proc: processes found together re-read /proc spread over the refresh period, not all at once', () => {
  const f = fakeProc();
  try {
    const pids = Array.from({ length: 1000 }, (_, i) => 1000 + i);
    for (const pid of pids) f.proc(pid, { comm: 'w', ticks: 7 });
    for (const pid of pids) f.reg.lookup(pid, NS(7), true);
    // All exit at once; an active process is only found gone by its refresh.
    for (const pid of pids) f.kill(pid);
    const found: number[] = [];
    for (let step = 0; step < 5; step++) {
      f.advance(1000);
      found.push(pids.filter((pid) => f.reg.lookup(pid, NS(7), true).exitedAt === f.now()).length);
    }
    assert.equal(found.reduce((a, b) => a + b), 1000, `every one refreshed within refreshMs: ${found}`);
    assert.ok(Math.max(...found) <= 250, `about a fifth per second of the period: ${found}`);
  } finally {
    f.done();
  }
});

test('fake /proc: more processes than refreshPerSec allows are each re-read less often, never more reads a second', () => {
  const f = fakeProc();
  try {
    const reg = new Registry({ procRoot: f.root, passwdPath: join(f.root, 'passwd'), refreshMs: 5000, refreshPerSec: 100, now: f.now, cgroups: null });
    const pids = Array.from({ length: 1000 }, (_, i) => 1000 + i);
    for (const pid of pids) f.proc(pid, { comm: 'w', ticks: 7 });
    for (const pid of pids) reg.lookup(pid, NS(7), true);
    for (const pid of pids) f.kill(pid);
    const found: number[] = [];
    for (let step = 0; step < 10; step++) {
      f.advance(1000);
      found.push(pids.filter((pid) => reg.lookup(pid, NS(7), true).exitedAt === f.now()).length);
    }
    // 1,000 processes at 100 a second: each every 10 s.
    assert.equal(found.reduce((a, b) => a + b), 1000, `every one refreshed within 10 s: ${found}`);
    assert.ok(Math.max(...found) <= 125, `about 100 a second: ${found}`);
    assert.ok(found.slice(0, 5).reduce((a, b) => a + b) < 600, `not within refreshMs: ${found}`);
  } finally {
    f.done();
  }
});

test('fake /proc: pid reuse, zombies, exit before first lookup, comm changes', () => {
  const f = fakeProc();
  try {
    f.proc(100, { comm: 'old', ticks: 500 });
    f.proc(200, { comm: 'z', ticks: 600 });
    f.proc(300, { comm: 'before', ticks: 700, cmdline: 'before\0' });
    f.reg.lookup(100, NS(500), true);
    f.reg.lookup(200, NS(600), true);
    f.reg.lookup(300, NS(700), true);

    // Looked up only after its pid went to a newer process.
    f.proc(400, { comm: 'new', ticks: 901 });
    const early = f.reg.lookup(400, NS(900), true);
    assert.notEqual(early.exitedAt, null);
    assert.equal(early.comm, '?');
    // ...unless the kernel recorded its name when it first counted it.
    const named = f.reg.lookup(400, NS(899), true, { comm: 'quick\x1b', uid: 1000 });
    assert.deepEqual([named.comm, named.user, named.uid, named.exitedAt !== null], ['quick\\x1b', 'alice', 1000, true]);

    f.proc(100, { comm: 'new', ticks: 800 }); // reused
    f.proc(200, { comm: 'z', ticks: 600, state: 'Z' });
    f.proc(300, { comm: 'after', ticks: 700, cmdline: 'after\0--x\0' }); // exec
    f.advance(5000);
    const reused = f.reg.lookup(100, NS(500), true);
    assert.equal(reused.exitedAt, f.now());
    assert.equal(reused.comm, 'old');
    assert.notEqual(f.reg.lookup(200, NS(600), true).exitedAt, null);
    const renamed = f.reg.lookup(300, NS(700), true);
    assert.equal(renamed.exitedAt, null);
    assert.equal(renamed.comm, 'after');
    assert.equal(renamed.cmdline, 'after --x');

    f.proc(500, { comm: 'm', ticks: 1 });
    f.reg.lookup(500, NS(1), true);
    f.reg.markExited(500, NS(1));
    assert.notEqual(f.reg.lookup(500, NS(1), true).exitedAt, null);
  } finally {
    f.done();
  }
});

test('fake /proc: thread names are cached, refreshed and escaped', () => {
  const f = fakeProc();
  try {
    f.proc(100, { comm: 'srv', ticks: 500 });
    f.thread(100, 101, 'worker\x1b');
    const dir = join(f.root, '100', 'task', '101');
    assert.equal(f.reg.threadName(100, 101), 'worker\\x1b');
    writeFileSync(join(dir, 'comm'), 'renamed\n');
    assert.equal(f.reg.threadName(100, 101), 'worker\\x1b');
    f.advance(5000);
    assert.equal(f.reg.threadName(100, 101), 'renamed');
    rmSync(dir, { recursive: true });
    f.advance(5000);
    assert.equal(f.reg.threadName(100, 101), 'renamed', 'a gone thread keeps its last name');
    assert.equal(f.reg.threadName(100, 999), '');
  } finally {
    f.done();
  }
});
