import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventLog, monoToEpochOffsetNs } from '../../src/data/sample/eventlog.js';
import { event, type EventSpec } from './build.js';

const batch = (specs: EventSpec[]) => Buffer.concat(specs.map(event));
const range = (n: number, f: (i: number) => EventSpec) => Array.from({ length: n }, (_, i) => f(i));

test('one event decodes to an EventRow: time, errno, flags, peer, escaped comm', () => {
  const log = new EventLog({ offsetNs: 1_700_000_000_000_000_000n });
  log.push(
    batch([
      {
        tsNs: 2_500_000n,
        cgroupId: 77n,
        ret: -11,
        tgid: 10,
        tid: 11,
        sys: 1,
        fd: 5,
        flags: 0x40,
        comm: 'bad\x1bname',
        peer: { family: 2, protocol: 17, lport: 53, laddr: [127, 0, 0, 1] },
      },
    ]),
  );
  assert.deepEqual(log.recent(), [
    {
      ts: 1_700_000_000_002.5,
      pid: 10,
      tid: 11,
      comm: 'bad\\x1bname',
      syscall: 'recvmsg',
      fd: 5,
      ret: -11,
      errno: 'EAGAIN',
      flags: 0x40,
      flagsText: 'MSG_DONTWAIT',
      family: 'inet',
      protocol: 'udp',
      local: '127.0.0.1:53',
      remote: '',
      cgroupId: '77',
    },
  ]);
});

test('the global log keeps the newest globalMax, oldest first', () => {
  const log = new EventLog({ globalMax: 5, offsetNs: 0n });
  log.push(batch(range(3, (i) => ({ tgid: i, sys: 0, ret: i }))));
  log.push(batch(range(4, (i) => ({ tgid: 3 + i, sys: 0, ret: 3 + i }))));
  assert.deepEqual(log.recent().map((e) => e.ret), [2, 3, 4, 5, 6]);
  log.push(batch(range(12, (i) => ({ tgid: 1, sys: 2, ret: 100 + i }))));
  assert.deepEqual(log.recent().map((e) => e.ret), [107, 108, 109, 110, 111]);
});

test('the watched log is per pid, bounded, seeded from the global log', () => {
  const log = new EventLog({ globalMax: 4, watchedMax: 3, offsetNs: 0n });
  log.push(batch([{ tgid: 7, ret: 1 }, { tgid: 8, ret: 2 }, { tgid: 7, ret: 3 }]));
  log.watch(7);
  assert.deepEqual(log.watchedEvents().map((e) => e.ret), [1, 3]);
  // A big batch: the global log keeps only its tail, the watched log still sees all of pid 7.
  log.push(batch(range(10, (i) => ({ tgid: i < 5 ? 7 : 9, ret: 10 + i }))));
  assert.deepEqual(log.watchedEvents().map((e) => e.ret), [12, 13, 14]);
  assert.deepEqual(log.recent().map((e) => e.ret), [16, 17, 18, 19]);
  log.watch(null);
  assert.deepEqual(log.watchedEvents(), []);
});

test('events with an unknown syscall id are dropped; partial batches throw', () => {
  const log = new EventLog({ offsetNs: 0n });
  log.push(batch([{ sys: 99 }, { sys: 4, ret: 1 }]));
  assert.deepEqual(log.recent().map((e) => e.syscall), ['msgsnd']);
  assert.throws(() => log.push(Buffer.alloc(10)), RangeError);
});

test('the offset maps CLOCK_MONOTONIC to the epoch, as read by another program', () => {
  // python3 reads both kernel clocks at one instant; the offset is ours.
  const r = spawnSync('python3', ['-c', 'import time; print(time.monotonic_ns(), time.time_ns())'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [mono, epoch] = r.stdout.trim().split(' ').map(BigInt) as [bigint, bigint];
  const errorMs = Number(mono + monoToEpochOffsetNs() - epoch) / 1e6;
  assert.ok(Math.abs(errorMs) < 5, `off by ${errorMs} ms`);
});
