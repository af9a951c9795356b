import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLog } from '../../src/data/sample/eventlog.js';
import type { ProcessRow } from '../../src/data/model/model.js';
import { Sampler, type SamplerOptions } from '../../src/data/sample/sampler.js';
import { event, peerRec, procRec, sizeRec, threadRec, type PeerSpec } from './build.js';
import { fakeProc, NS } from './fakeproc.js';
import { FakeSource, RECVMSG, SENDMMSG, SENDMSG } from './fakesource.js';

function setup(opts: SamplerOptions = {}) {
  const f = fakeProc();
  const src = new FakeSource();
  /** msgtop's own CPU time and memory, as the test sets them. */
  const own = { cpuUs: 0, hrNs: 0n, rssBytes: 50e6, loopStallMs: 0 };
  const processClock = { cpuUs: () => own.cpuUs, hrNs: () => own.hrNs, rssBytes: () => own.rssBytes, loopStallMs: () => own.loopStallMs };
  const s = new Sampler(src, { registry: f.reg, now: f.now, events: new EventLog({ offsetNs: 0n }), processClock, ...opts });
  /** Move every clock, then sample. */
  const step = (sec: number) => {
    src.tick(sec);
    f.advance(sec * 1000);
    own.hrNs += BigInt(sec * 1e9);
    return s.sample();
  };
  return { f, src, s, step, own };
}

/** Sum of one side's totals over every row. */
const rowSum = (rows: ProcessRow[], side: 'send' | 'recv') => rows.reduce((a, r) => a + r[side].total.messages, 0);

const byPid = (rows: ProcessRow[], pid: number) => rows.find((r) => r.pid === pid)!;

test('totals since attach, rates over the last interval, send/recv split', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'dnsmasq', ticks: 50, cmdline: 'dnsmasq\0-k\0' });
  src.set(10, SENDMSG, NS(50), { calls: 10, messages: 10, bytes: 1000 });
  src.set(10, RECVMSG, NS(50), { calls: 12, messages: 10, bytes: 500, errors: 2 });

  let m = s.sample();
  let p = byPid(m.processes, 10);
  assert.equal(p.key, '10:50');
  assert.equal(p.comm, 'dnsmasq');
  assert.equal(p.cmdline, 'dnsmasq -k');
  assert.deepEqual(p.send.total, { calls: 10, messages: 10, bytes: 1000, errors: 0 });
  assert.deepEqual(p.recv.total, { calls: 12, messages: 10, bytes: 500, errors: 2 });
  assert.deepEqual(p.send.rate, { calls: 0, messages: 0, bytes: 0, errors: 0 }, 'no rate without a previous sample');
  assert.deepEqual(Object.keys(p.syscalls), ['sendmsg', 'recvmsg']);
  assert.equal(m.intervalMs, 0);

  src.set(10, SENDMSG, NS(50), { calls: 30, messages: 30, bytes: 3000 });
  src.set(10, SENDMMSG, NS(50), { calls: 1, messages: 8, bytes: 800 });
  m = step(2);
  p = byPid(m.processes, 10);
  assert.equal(m.intervalMs, 2000);
  assert.deepEqual(p.syscalls.sendmsg, {
    total: { calls: 30, messages: 30, bytes: 3000, errors: 0 },
    rate: { calls: 10, messages: 10, bytes: 1000, errors: 0 },
  });
  assert.deepEqual(p.syscalls.sendmmsg!.rate, { calls: 0.5, messages: 4, bytes: 400, errors: 0 });
  assert.deepEqual(p.syscalls.recvmsg!.rate, { calls: 0, messages: 0, bytes: 0, errors: 0 });
  assert.deepEqual(p.send.total, { calls: 31, messages: 38, bytes: 3800, errors: 0 });
  assert.equal(p.send.rate.messages, 14);
  assert.equal(p.recv.rate.messages, 0);
  assert.deepEqual(p.history, [0, 14]);
  assert.deepEqual(m.send.total, { calls: 31, messages: 38, bytes: 3800, errors: 0 });
  assert.equal(m.send.rate.messages, 14);
  assert.equal(m.recv.total.messages, 10);
  assert.equal(p.exitedAt, null);
});

test('a counter that goes away and comes back counts as fresh; nothing goes negative', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'a', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 100, messages: 100 });
  s.sample();
  src.set(10, SENDMSG, NS(50), { calls: 5, messages: 5 }); // deleted and re-created in between
  let p = byPid(step(1).processes, 10);
  assert.equal(p.send.total.messages, 105);
  assert.equal(p.send.rate.messages, 5);
  src.counters.clear();
  p = byPid(step(1).processes, 10);
  assert.equal(p.send.total.messages, 105, 'totals survive the key vanishing');
  assert.equal(p.send.rate.messages, 0);
  src.set(10, SENDMSG, NS(50), { calls: 3, messages: 3 });
  p = byPid(step(1).processes, 10);
  assert.equal(p.send.total.messages, 108);
  assert.equal(p.send.rate.messages, 3);
});

test('errnos per process with names, totals and rates', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'a', ticks: 50 });
  src.set(10, RECVMSG, NS(50), { calls: 4, errors: 4 });
  src.setErrno(10, RECVMSG, 11, NS(50), 4);
  s.sample();
  src.setErrno(10, RECVMSG, 11, NS(50), 10);
  src.setErrno(10, SENDMSG, 32, NS(50), 1);
  const p = byPid(step(2).processes, 10);
  const e = Object.fromEntries(p.errnos.map((x) => [`${x.syscall}/${x.name}`, x]));
  assert.deepEqual(e['recvmsg/EAGAIN'], { syscall: 'recvmsg', errno: 11, name: 'EAGAIN', total: 10, rate: 3 });
  assert.deepEqual(e['sendmsg/EPIPE'], { syscall: 'sendmsg', errno: 32, name: 'EPIPE', total: 1, rate: 0.5 });
});

test('exit seen in /proc: final totals kept, kernel keys forgotten one sample later, folded after linger', (t) => {
  const { f, src, s, step } = setup({ lingerMs: 10_000 });
  t.after(f.done);
  f.proc(10, { comm: 'short', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 1, messages: 1 });
  s.sample();
  f.kill(10);
  let m = step(1); // idle and gone from /proc: exited
  let p = byPid(m.processes, 10);
  assert.equal(p.exitedAt, f.now());
  const exitedAt = f.now();
  assert.deepEqual(src.forgotten, [], 'not yet: this snapshot may predate the exit');
  src.set(10, SENDMSG, NS(50), { calls: 2, messages: 2 }); // a last send that raced the exit
  m = step(1);
  assert.deepEqual(src.forgotten, [`10:${NS(50)}`]);
  p = byPid(m.processes, 10);
  assert.equal(p.send.total.messages, 2);
  assert.equal(p.comm, 'short');
  m = step(5);
  p = byPid(m.processes, 10);
  assert.equal(p.send.total.messages, 2, 'totals survive the forget');
  assert.equal(p.exitedAt, exitedAt);
  m = step(5);
  assert.deepEqual(
    m.processes.map((r) => [r.key, r.pid, r.comm, r.folded, r.exitedAt, r.send.total.messages]),
    [['exited:short\0', 0, 'short', 1, exitedAt, 2]],
    'after the linger time it is one of the folded processes of its name',
  );
  assert.equal(m.send.total.messages, 2, 'global totals keep the dead');
  assert.equal(src.forgotten.length, 1);
});

test('exit reported by the kernel: counted once, no forget, no /proc look-up', (t) => {
  const { f, src, s, step } = setup({ lingerMs: 10_000 });
  t.after(f.done);
  f.proc(10, { comm: 'quick', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 1, messages: 1, bytes: 10 });
  s.sample();
  // It sends 4 more and exits; /proc still shows it (a zombie not yet reaped
  // reads as exited too, but here the kernel's word must be enough).
  src.set(10, SENDMSG, NS(50), { calls: 5, messages: 5, bytes: 50 });
  src.setErrno(10, SENDMSG, 11, NS(50), 1);
  src.kernelExit(10, NS(50));
  let m = step(1);
  let p = byPid(m.processes, 10);
  assert.equal(p.exitedAt, f.now());
  assert.deepEqual(p.send.total, { calls: 5, messages: 5, bytes: 50, errors: 0 });
  assert.equal(p.send.rate.messages, 4);
  assert.deepEqual(p.errnos.map((e) => [e.name, e.total]), [['EAGAIN', 1]]);
  m = step(1);
  p = byPid(m.processes, 10);
  assert.deepEqual(p.send.total, { calls: 5, messages: 5, bytes: 50, errors: 0 }, 'gone from the maps, not from the totals');
  assert.deepEqual(src.forgotten, [], 'nothing left to forget');
  assert.equal(m.send.total.messages, 5);

  // Born and gone within one interval, never in /proc: named by the kernel.
  src.set(12, RECVMSG, NS(60), { calls: 3, messages: 3, bytes: 30 });
  src.procs = [procRec(12, NS(60), 'blink', 0n, 1000)];
  src.kernelExit(12, NS(60));
  m = step(1);
  p = byPid(m.processes, 12);
  assert.deepEqual([p.comm, p.user, p.recv.total.messages, p.exitedAt], ['blink', 'alice', 3, f.now()]);
});

test('exited processes fold per (comm, container) after the linger time; all rows always add up', (t) => {
  const { f, src, s, step } = setup({ lingerMs: 2_000 });
  t.after(f.done);
  const docker = '/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope';
  f.proc(1, { comm: 'keeper', ticks: 1 });
  src.set(1, SENDMSG, NS(1), { calls: 1, messages: 1 });
  s.sample();
  let sent = 1;
  // Six short-lived processes: two names on the host, one name in a container.
  const specs = [
    [20, 'cron'],
    [21, 'cron'],
    [22, 'health'],
    [23, 'cron', docker],
    [24, 'cron', docker],
    [25, 'cron'],
  ] as const;
  for (const [pid, comm, cgroup] of specs) {
    f.proc(pid, { comm, ticks: pid, cgroup });
    src.set(pid, SENDMSG, NS(pid), { calls: pid, messages: pid, bytes: pid * 10 });
    sent += pid;
  }
  step(1); // looked up in /proc while alive
  for (const [pid] of specs) src.kernelExit(pid, NS(pid));
  let m = step(1);
  assert.equal(m.processes.filter((r) => r.exitedAt !== null && r.folded === 0).length, 6, 'lingering as their own rows');
  m = step(3);
  const folded = m.processes.filter((r) => r.folded > 0).map((r) => [r.comm, r.container, r.folded, r.send.total.messages, r.send.total.bytes]);
  assert.deepEqual(folded.sort(), [
    ['cron', null, 3, 66, 660],
    ['cron', '0123456789ab', 2, 47, 470],
    ['health', null, 1, 22, 220],
  ]);
  assert.equal(m.processes.length, 4);
  assert.equal(m.send.total.messages, sent);
  assert.equal(rowSum(m.processes, 'send'), sent, 'grand total = sum over all rows');

  // More of the same name fold into the same row; its rate shows the interval it folded in.
  f.proc(30, { comm: 'cron', ticks: 30 });
  src.set(30, SENDMSG, NS(30), { calls: 5, messages: 5 });
  step(1);
  src.set(30, SENDMSG, NS(30), { calls: 9, messages: 9 });
  src.kernelExit(30, NS(30));
  step(1);
  m = step(2);
  const cron = m.processes.find((r) => r.folded > 0 && r.comm === 'cron' && r.container === null)!;
  assert.deepEqual([cron.folded, cron.send.total.messages], [4, 75]);
  assert.equal(rowSum(m.processes, 'send'), sent + 9);
});

test('at most maxExited exited processes keep rows of their own; the oldest exits fold first', (t) => {
  const { f, src, s, step } = setup({ lingerMs: 60_000, maxExited: 2 });
  t.after(f.done);
  s.sample();
  for (const pid of [40, 41, 42]) {
    src.set(pid, SENDMSG, NS(pid), { calls: 1, messages: 1 });
    src.procs = [procRec(pid, NS(pid), 'job', 0n, 0)];
    src.kernelExit(pid, NS(pid));
    step(1);
  }
  const m = step(1);
  assert.deepEqual(
    m.processes.map((r) => [r.pid, r.folded]).sort(),
    [
      [0, 1],
      [41, 0],
      [42, 0],
    ],
  );
  assert.equal(rowSum(m.processes, 'send'), 3);
});

test('processes that arrive already exited fold at once, past the newest maxExited exits: sums, errnos, users and rates exact', (t) => {
  const { f, src, s, step } = setup({ lingerMs: 60_000, maxExited: 2 });
  t.after(f.done);
  s.sample();
  // Five processes the kernel saw start, count and exit within one interval,
  // in this exit order; none of them is ever in /proc.
  const pids = [50, 51, 52, 53, 54];
  src.procs = pids.map((pid) => procRec(pid, NS(pid), pid % 2 ? 'odd' : 'even', 0n, pid === 52 ? 1000 : 0));
  for (const pid of pids) {
    src.set(pid, SENDMSG, NS(pid), { calls: 2, messages: 3, bytes: 10, errors: pid === 50 ? 1 : 0 });
    src.set(pid, RECVMSG, NS(pid), { calls: 1, messages: 1, bytes: 5 });
    src.kernelExit(pid, NS(pid));
  }
  src.setErrno(50, SENDMSG, 11, NS(50), 1);
  let m = step(2);
  const rows = m.processes.map((r) => [r.pid, r.comm, r.folded, r.user, r.send.total.messages, r.recv.total.bytes]);
  assert.deepEqual(rows.sort(), [
    [0, 'even', 2, '*', 6, 10],
    [0, 'odd', 1, 'root', 3, 5],
    [53, 'odd', 0, 'root', 3, 5],
    [54, 'even', 0, 'root', 3, 5],
  ]);
  const even = m.processes.find((r) => r.comm === 'even' && r.folded > 0)!;
  assert.deepEqual([even.send.rate.messages, even.recv.rate.bytes], [3, 5], 'growth in the interval it folded in, per second');
  assert.deepEqual(even.errnos.map((e) => [e.syscall, e.name, e.total]), [['sendmsg', 'EAGAIN', 1]]);
  assert.equal(rowSum(m.processes, 'send'), 15);
  m = step(1);
  assert.equal(rowSum(m.processes, 'send'), 15);
  assert.deepEqual(m.processes.map((r) => r.send.rate.messages), [0, 0, 0, 0]);
});

test('a pid reused within one interval by processes that arrive exited: each counted once under its own name', (t) => {
  const { f, src, s, step } = setup({ lingerMs: 60_000, maxExited: 0 });
  t.after(f.done);
  s.sample();
  const starts = [NS(70), NS(71), NS(72)];
  src.procs = starts.map((start, i) => procRec(9, start, `gen${i}`, 0n, 0));
  starts.forEach((start, i) => {
    src.set(9, SENDMSG, start, { calls: i + 1, messages: i + 1 });
    src.kernelExit(9, start);
  });
  const m = step(1);
  assert.deepEqual(m.processes.map((r) => [r.comm, r.folded, r.send.total.messages]).sort(), [
    ['gen0', 1, 1],
    ['gen1', 1, 2],
    ['gen2', 1, 3],
  ]);
});

test('linger Infinity keeps exited processes for the whole run', (t) => {
  const { f, src, s, step } = setup({ lingerMs: Infinity });
  t.after(f.done);
  f.proc(10, { comm: 'short', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 1, messages: 1 });
  s.sample();
  f.kill(10);
  step(1);
  step(1);
  const m = step(3600);
  assert.equal(byPid(m.processes, 10).send.total.messages, 1);
  assert.deepEqual(src.forgotten, [`10:${NS(50)}`], 'kernel keys freed even so');
});

test('pid reuse: a new start time is a new process, and the old one has exited', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'old', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 7, messages: 7 });
  s.sample();
  f.proc(10, { comm: 'new', ticks: 90 });
  src.set(10, SENDMSG, NS(90), { calls: 1, messages: 1 });
  src.set(10, SENDMSG, NS(50), { calls: 8, messages: 8 }); // still active this interval
  const m = step(1);
  const old = m.processes.find((r) => r.key === '10:50')!;
  const neu = m.processes.find((r) => r.key === '10:90')!;
  assert.notEqual(old.exitedAt, null);
  assert.equal(old.comm, 'old');
  assert.equal(old.send.total.messages, 8);
  assert.equal(neu.exitedAt, null);
  assert.equal(neu.comm, 'new');
  assert.equal(neu.send.total.messages, 1);
  assert.equal(neu.send.rate.messages, 1, 'a new key in a later sample is all new');
});

test('a process gone before its first /proc lookup is named from the kernel procs map', (t) => {
  const { f, src, s } = setup();
  t.after(f.done);
  src.set(33, SENDMSG, NS(70), { calls: 1, messages: 1 });
  src.procs = [procRec(33, NS(70), 'oneshot', 5n, 1000)];
  const p = byPid(s.sample().processes, 33);
  assert.equal(p.comm, 'oneshot');
  assert.equal(p.user, 'alice');
  assert.notEqual(p.exitedAt, null);
  assert.equal(p.send.total.messages, 1);
});

test('health, cost, probes (and why) and ipc come through', (t) => {
  const { f, src, s, step, own } = setup();
  t.after(f.done);
  src.stats[0] = 3n;
  src.stats[1] = 1000n;
  src.stats[5] = 2n;
  src.runTimeNs = 1_000_000;
  src.runCount = 10_000;
  s.sample();
  src.runTimeNs = 3_000_000;
  src.runCount = 30_000; // 100 ns per run
  src.set(10, SENDMSG, NS(1), { calls: 10_000, messages: 10_000 });
  src.set(10, RECVMSG, NS(1), { calls: 10_000, messages: 10_000 });
  src.stats[7] = 5n;
  own.cpuUs += 50_000; // 50 ms of CPU over the 2 s interval
  own.rssBytes = 61_000_000;
  own.loopStallMs = 42;
  const m = step(2);
  assert.deepEqual(m.health, {
    ringbufDrops: 3,
    ringbufEvents: 1000,
    ringbufDelivered: 0,
    counterMapFull: 0,
    errnoMapFull: 0,
    detailMapFull: 0,
    stateLost: 2,
    procMapFull: 0,
    progMissed: 4,
    exitLost: 5,
  });
  assert.equal(m.cost.bpfNsPerSec, 1_000_000);
  assert.equal(m.cost.cpuPercent, 2.5);
  assert.equal(m.cost.rssBytes, 61_000_000);
  assert.equal(m.cost.loopStallMs, 42);
  assert.equal(m.probes, 'sock');
  assert.equal(m.probesReason, 'cheapest: sock tracepoints on 6.18');
  assert.deepEqual(m.ipc, { mode: 'auto', tracing: false, since: null });
  assert.equal(m.uptimeMs, 2000);
  assert.equal(m.detail, null);
});

test('between timing windows the BPF cost is the last ns per run times the runs the counts imply', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  s.sample();
  src.runTimeNs = 2_000_000;
  src.runCount = 20_000; // 100 ns per run
  src.set(10, SENDMSG, NS(1), { calls: 10_000, messages: 10_000 });
  src.set(10, RECVMSG, NS(1), { calls: 10_000, messages: 10_000 });
  assert.equal(step(1).cost.bpfNsPerSec, 2_000_000);
  // No window in this interval: the kernel's figures stand still.
  src.set(10, SENDMSG, NS(1), { calls: 15_000, messages: 15_000 });
  src.set(10, RECVMSG, NS(1), { calls: 15_000, messages: 14_000, errors: 1_000 });
  assert.equal(step(2).cost.bpfNsPerSec, (100 * 10_000) / 2);
});

test('detail for the watched process: threads, peers, sizes, events, history', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'srv', ticks: 50 });
  f.thread(10, 10, 'srv');
  f.thread(10, 11, 'worker\x1b');
  src.set(10, SENDMSG, NS(50), { calls: 2, messages: 2, bytes: 20 });
  s.sample();
  s.watch('10:50');
  assert.deepEqual(src.watched, [10]);

  const udp: PeerSpec = { family: 2, protocol: 17, lport: 53, rport: 999, laddr: [127, 0, 0, 1], raddr: [127, 0, 0, 2] };
  src.threads = [threadRec(10, 11, SENDMSG, { calls: 4, messages: 4, bytes: 40 }), threadRec(10, 10, RECVMSG, { calls: 1, messages: 1, bytes: 5 }), threadRec(99, 1, 0, { calls: 9 })];
  src.peers = [peerRec(10, 0, udp, 4, 40), peerRec(10, 1, udp, 1, 5), peerRec(99, 0, udp, 100, 100)];
  src.sizes = [sizeRec(10, 0, 4, 4), sizeRec(10, 1, 3, 1), sizeRec(99, 0, 1, 50)];
  src.emit(Buffer.concat([event({ tgid: 10, tid: 11, sys: SENDMSG, ret: 10 }), event({ tgid: 99, sys: SENDMSG })]));
  src.set(10, SENDMSG, NS(50), { calls: 6, messages: 6, bytes: 60 });
  let m = step(1);
  let d = m.detail!;
  assert.equal(d.key, '10:50');
  assert.deepEqual(d.threads.map((x) => [x.tid, x.name, x.send.total.messages, x.recv.total.messages]), [
    [10, 'srv', 0, 1],
    [11, 'worker\\x1b', 4, 0],
  ]);
  assert.equal(d.peers.length, 1);
  assert.deepEqual(d.peers[0], {
    family: 'inet',
    protocol: 'udp',
    local: '127.0.0.1:53',
    remote: '127.0.0.2:999',
    // New since the watch began (the maps were empty): all of it is this interval's.
    send: { messages: 4, bytes: 40, rate: 4 },
    recv: { messages: 1, bytes: 5, rate: 1 },
  });
  assert.equal(d.sizes.send[4], 4);
  assert.equal(d.sizes.recv[3], 1);
  assert.equal(d.sizes.send.reduce((a, b) => a + b), 4);
  assert.deepEqual(d.events.map((e) => e.pid), [10]);
  assert.equal(m.events.length, 2, 'the global log has everything');
  assert.deepEqual(d.history.messages, [0, 4]);
  assert.deepEqual(d.history.bytes, [0, 40]);

  src.threads = [threadRec(10, 11, SENDMSG, { calls: 10, messages: 10, bytes: 100 })];
  src.peers = [peerRec(10, 0, udp, 10, 100)];
  m = step(2);
  d = m.detail!;
  assert.equal(d.threads[0]!.send.rate.messages, 3);
  assert.equal(d.peers[0]!.send.rate, 3);
  assert.equal(d.peers[0]!.recv.messages, 0);

  s.watch(null);
  assert.deepEqual(src.watched, [10, null]);
  assert.equal(step(1).detail, null);
});

test('an unchanged process is the same row object; a busy one gets new values, never mutated ones', (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'idle', ticks: 50 });
  f.proc(11, { comm: 'busy', ticks: 51 });
  src.set(10, SENDMSG, NS(50), { calls: 1, messages: 1 });
  src.set(11, SENDMSG, NS(51), { calls: 1, messages: 1 });
  s.sample();
  let before = step(1).processes;
  // The idle process's history settles after as many samples as a row carries.
  for (let i = 0; i < 10; i++) {
    src.set(11, SENDMSG, NS(51), { calls: 2 + i, messages: 2 + i });
    before = step(1).processes;
  }
  const busyBefore = structuredClone(byPid(before, 11));
  src.set(11, SENDMSG, NS(51), { calls: 20, messages: 20 });
  const after = step(1).processes;
  assert.equal(byPid(after, 10), byPid(before, 10), 'idle: shared');
  assert.notEqual(byPid(after, 11), byPid(before, 11));
  assert.deepEqual(byPid(before, 11), busyBefore, 'the previous model is untouched');
  assert.equal(byPid(after, 11).send.total.messages, 20);
  assert.equal(byPid(after, 11).send.rate.messages, 9);
  f.kill(10);
  const gone = byPid(step(1).processes, 10);
  assert.notEqual(gone.exitedAt, null, 'an exit is a change');
});

test('a row carries rowHistoryLen samples; the watched Detail the whole history', (t) => {
  const { f, src, s, step } = setup({ historyLen: 6, rowHistoryLen: 3 });
  t.after(f.done);
  f.proc(10, { comm: 'a', ticks: 50 });
  for (let i = 1; i <= 8; i++) {
    src.set(10, SENDMSG, NS(50), { calls: i * i, messages: i * i });
    if (i === 1) s.sample();
    else step(1);
  }
  s.watch('10:50');
  src.set(10, SENDMSG, NS(50), { calls: 81, messages: 81 });
  const m = step(1);
  assert.deepEqual(byPid(m.processes, 10).history, [13, 15, 17]);
  assert.deepEqual(m.detail!.history.messages, [7, 9, 11, 13, 15, 17]);
});

test('a wall-clock step moves only ts: rates, uptime and lingering follow the monotonic clock', (t) => {
  let wall = 1_800_000_000_000;
  const { f, src, s, step } = setup({ lingerMs: 2_000, wallNow: () => wall });
  t.after(f.done);
  f.proc(10, { comm: 'steady', ticks: 10 });
  f.proc(11, { comm: 'first', ticks: 11 });
  f.proc(12, { comm: 'second', ticks: 12 });
  let sent = 0;
  const send = () => {
    sent += 100;
    src.set(10, SENDMSG, NS(10), { calls: sent, messages: sent, bytes: sent });
  };
  send();
  src.set(11, SENDMSG, NS(11), { calls: 1, messages: 1 });
  src.set(12, SENDMSG, NS(12), { calls: 1, messages: 1 });
  let m = s.sample();
  assert.equal(m.ts, wall);
  let uptime = m.uptimeMs;
  /** One second passes; the wall clock moves by `wallMs` (a step when not 1000). */
  const second = (wallMs: number) => {
    wall += wallMs;
    send();
    m = step(1);
    assert.equal(m.ts, wall, 'ts is the wall clock, stepped or not');
    assert.equal(m.uptimeMs, uptime + 1000, 'uptime never steps');
    uptime = m.uptimeMs;
    assert.equal(m.intervalMs, 1000);
    assert.equal(byPid(m.processes, 10).send.rate.messages, 100, 'the rate is what was sent in the second');
    for (const p of m.processes) for (const side of [p.send, p.recv]) assert.ok(side.rate.messages >= 0 && side.rate.bytes >= 0);
  };
  second(1000);
  // 11 exits; then the wall clock steps back an hour.
  f.kill(11);
  src.kernelExit(11, NS(11));
  second(1000);
  assert.notEqual(byPid(m.processes, 11).exitedAt, null);
  second(1000 - 3_600_000);
  assert.equal(byPid(m.processes, 11).folded, 0, 'lingers 2 s...');
  second(1000);
  assert.equal(m.processes.find((p) => p.pid === 11), undefined, '...then folds, an hour of wall clock back or not');
  assert.equal(m.processes.find((p) => p.comm === 'first')!.folded, 1);
  // 12 exits; the wall clock steps forward an hour (back where it was).
  f.kill(12);
  src.kernelExit(12, NS(12));
  second(1000);
  second(1000 + 3_600_000);
  assert.equal(byPid(m.processes, 12).folded, 0, 'a step forward does not fold it early');
  second(1000);
  assert.equal(m.processes.find((p) => p.pid === 12), undefined);
  assert.equal(m.send.total.messages, sent + 2, 'totals unchanged by either step');
});

/** Runs `work` and counts the event-loop turns other callbacks got until it settles. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let on = true;
  const spin = (): void => {
    if (!on) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work();
  on = false;
  return { value, turns };
}

test('sampleInTurns builds the Model sample() builds, in turns others get between', async (t) => {
  const N = 5_200; // more than two steps' worth of rows, two of counter records
  const [a, b] = [setup(), setup()];
  t.after(a.f.done);
  t.after(b.f.done);
  const send = (k: number) => {
    for (const x of [a, b]) {
      for (let pid = 100; pid < 100 + N; pid++) {
        x.src.set(pid, SENDMSG, NS(50), { calls: pid * k, messages: pid * k, bytes: 10 * pid * k });
        x.src.set(pid, RECVMSG, NS(50), { calls: k, messages: k, bytes: k });
      }
    }
  };
  for (let pid = 100; pid < 100 + N; pid++) for (const x of [a, b]) x.f.proc(pid, { comm: `w${pid}`, ticks: 50 });
  send(1);
  a.s.sample();
  await b.s.sampleInTurns();
  send(3);
  const ma = a.step(2);
  b.src.tick(2);
  b.f.advance(2000);
  b.own.hrNs += 2_000_000_000n;
  const { value: mb, turns } = await turnsDuring(() => b.s.sampleInTurns());
  assert.ok(mb);
  assert.ok(turns >= 4, `other callbacks ran in ${turns} turns while it was built`);
  assert.equal(mb.processes.length, N);
  assert.deepEqual(mb.processes, ma.processes);
  assert.deepEqual([mb.send, mb.recv], [ma.send, ma.recv]);
  assert.equal(rowSum(mb.processes, 'send'), 3 * ((100 + 100 + N - 1) * N) / 2);
  assert.equal(rowSum(mb.processes, 'recv'), 3 * N);
  assert.equal(mb.recv.rate.messages, N, 'each process received 2 in 2 s');
});

test('a watch() between the steps of a sample: its Detail and history are of the process now watched', async (t) => {
  const { f, src, s, step } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'a', ticks: 50 });
  f.proc(11, { comm: 'b', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 1, messages: 1 });
  src.set(11, SENDMSG, NS(50), { calls: 1, messages: 1 });
  s.sample();
  s.watch('10:50');
  src.set(10, SENDMSG, NS(50), { calls: 3, messages: 3 });
  src.set(11, SENDMSG, NS(50), { calls: 8, messages: 8 });
  step(1);
  src.set(10, SENDMSG, NS(50), { calls: 5, messages: 5 });
  src.set(11, SENDMSG, NS(50), { calls: 15, messages: 15 });
  src.tick(1);
  f.advance(1000);
  const pending = s.sampleInTurns(); // its first step has run
  s.watch('11:50');
  const m = await pending;
  assert.equal(m!.detail!.key, '11:50');
  assert.deepEqual(m!.detail!.history.messages, [0, 7, 7]);
  assert.deepEqual(byPid(m!.processes, 11).history, [0, 7, 7]);
});

test('a sample cancelled between its steps gives null; one sample is built at a time', async (t) => {
  const { f, src, s } = setup();
  t.after(f.done);
  f.proc(10, { comm: 'a', ticks: 50 });
  src.set(10, SENDMSG, NS(50), { calls: 1, messages: 1 });
  const first = s.sampleInTurns();
  assert.throws(() => s.sample(), /already being built/);
  assert.ok(await first);
  assert.equal(await s.sampleInTurns(() => true), null);
  assert.ok(s.sample(), 'a cancelled sample does not block the next');
});
