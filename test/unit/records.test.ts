import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as R from '../../src/data/kernel/records.js';
import { counter, errnoRec, event, peerRec, procRec, sizeRec, threadRec } from './build.js';

/** Copies of what decodeCounters visits (it reuses one record). */
function counters(buf: Buffer): R.CounterRec[] {
  const out: R.CounterRec[] = [];
  R.decodeCounters(buf, (r) => out.push({ ...r }));
  return out;
}

/** What a test compares: start_ns whole. */
function withStart(rs: R.CounterRec[]) {
  return rs.map(({ startLo, startHi, ...r }) => ({ ...r, startNs: R.startNsOf({ ...r, startLo, startHi }) }));
}

test('decodeCounters reads every record, u64 fields and start_ns', () => {
  const buf = Buffer.concat([
    counter(42, 1, 123_456_789_012n, { calls: 1, messages: 2, bytes: 3, errors: 4 }),
    counter(7, 3, 2n ** 60n, { calls: 2 ** 40, messages: 5, bytes: 2 ** 52, errors: 0 }),
  ]);
  assert.deepEqual(withStart(counters(buf)), [
    { tgid: 42, sys: 1, startNs: 123_456_789_012n, calls: 1, messages: 2, bytes: 3, errors: 4 },
    { tgid: 7, sys: 3, startNs: 2n ** 60n, calls: 2 ** 40, messages: 5, bytes: 2 ** 52, errors: 0 },
  ]);
  assert.deepEqual(counters(Buffer.alloc(0)), []);
  // Records that do not start on a 32-bit word (a recording's buffer can be
  // anywhere in its file) read the same.
  const odd = Buffer.concat([Buffer.alloc(1), buf]).subarray(1);
  assert.equal(odd.byteOffset % 4, 1);
  assert.deepEqual(counters(odd), counters(buf));
});

test("startHalves gives a start_ns the halves its counter records carry, past 2^31 and 2^63 too", () => {
  for (const ns of [0n, 123_456_789_012n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 60n + 2n ** 31n, 2n ** 64n - 1n]) {
    const [r] = counters(counter(1, 0, ns, {}));
    assert.deepEqual(R.startHalves(ns), { lo: r!.startLo, hi: r!.startHi }, String(ns));
    assert.equal(R.startNsOf(r!), ns);
  }
});

test('a partial record is an error, not a silent miscount', () => {
  assert.throws(() => counters(Buffer.alloc(47)), RangeError);
  assert.throws(() => R.decodeEvents(Buffer.alloc(R.EVENT_RECORD + 1)), RangeError);
});

test('decodeErrnos, decodeThreads, decodeSizes', () => {
  assert.deepEqual(R.decodeErrnos(errnoRec(9, 5, 11, 77n, 1000)), [{ tgid: 9, sys: 5, err: 11, startNs: 77n, count: 1000 }]);
  assert.deepEqual(R.decodeThreads(threadRec(9, 10, 0, { calls: 3, messages: 3, bytes: 30 })), [
    { tgid: 9, tid: 10, sys: 0, calls: 3, messages: 3, bytes: 30, errors: 0 },
  ]);
  assert.deepEqual(R.decodeSizes(Buffer.concat([sizeRec(9, 0, 0, 5), sizeRec(9, 1, 31, 6)])), [
    { tgid: 9, dir: 0, bucket: 0, count: 5 },
    { tgid: 9, dir: 1, bucket: 31, count: 6 },
  ]);
});

test('procFinder: one record by (tgid, start time), also when a pid repeats within a snapshot', () => {
  const buf = Buffer.concat([procRec(7, 100n, 'old', 0n, 0), procRec(8, 5n, 'other', 0n, 0), procRec(7, 200n, 'new', 0n, 0), procRec(7, 300n, 'newer', 0n, 0)]);
  const find = R.procFinder(buf);
  assert.deepEqual(
    [find(7, 100n), find(7, 200n), find(7, 300n), find(8, 5n)].map((r) => r?.comm.toString()),
    ['old', 'new', 'newer', 'other'],
  );
  assert.equal(find(7, 400n), undefined);
  assert.equal(find(8, 6n), undefined);
  assert.equal(find(9, 5n), undefined);
});

test('decodeProcs: kernel-side comm, cgroup id and uid', () => {
  assert.deepEqual(
    R.decodeProcs(Buffer.concat([procRec(5, 2n ** 62n, 'short', 99n, 1000), procRec(6, 1n, 'exactly16bytes!!', 0n, 0)])).map((p) => ({
      ...p,
      comm: p.comm.toString(),
    })),
    [
      { tgid: 5, startNs: 2n ** 62n, comm: 'short', cgroupId: 99n, uid: 1000 },
      { tgid: 6, startNs: 1n, comm: 'exactly16bytes!!', cgroupId: 0n, uid: 0 },
    ],
  );
});

test('decodePeers copies addresses and only path_len bytes of the path', () => {
  const buf = peerRec(9, 1, { family: 1, type: 2, path: Buffer.from('\0abc') }, 4, 400);
  const [p] = R.decodePeers(buf);
  assert.equal(p!.tgid, 9);
  assert.equal(p!.dir, 1);
  assert.equal(p!.messages, 4);
  assert.equal(p!.bytes, 400);
  assert.equal(p!.peer.family, 1);
  assert.equal(p!.peer.type, 2);
  assert.deepEqual([...p!.peer.path], [0, 97, 98, 99]);
  buf.fill(0xff); // the decoded record must not alias the addon's buffer
  assert.deepEqual([...p!.peer.path], [0, 97, 98, 99]);
});

test('decodeEvents: signed ret and fd, comm up to NUL, nested peer', () => {
  const buf = Buffer.concat([
    event({
      tsNs: 5_000_000_000n,
      cgroupId: 1234n,
      startNs: 99n,
      ret: -11,
      tgid: 100,
      tid: 101,
      sys: 1,
      fd: -1,
      flags: 0x40,
      comm: 'dnsmasq',
      peer: { family: 2, protocol: 17, lport: 53, rport: 40000, laddr: [127, 0, 0, 1], raddr: [10, 0, 0, 2] },
    }),
    event({ ret: 2 ** 40, comm: 'sixteen-chars-xx', sys: 4, fd: 3 }),
  ]);
  const [a, b] = R.decodeEvents(buf);
  assert.equal(a!.tsNs, 5_000_000_000n);
  assert.equal(a!.cgroupId, 1234n);
  assert.equal(a!.startNs, 99n);
  assert.equal(a!.ret, -11);
  assert.equal(a!.tgid, 100);
  assert.equal(a!.tid, 101);
  assert.equal(a!.sys, 1);
  assert.equal(a!.fd, -1);
  assert.equal(a!.flags, 0x40);
  assert.equal(a!.comm.toString(), 'dnsmasq');
  assert.equal(a!.peer.lport, 53);
  assert.equal(a!.peer.rport, 40000);
  assert.deepEqual([...a!.peer.raddr.subarray(0, 4)], [10, 0, 0, 2]);
  assert.equal(b!.ret, 2 ** 40);
  assert.equal(b!.comm.toString(), 'sixteen-chars-xx'); // no NUL: all 16 bytes
  assert.equal(R.eventTgid(buf, 0), 100);
});

test('sysName maps enum mt_sys to model names', () => {
  assert.equal(R.sysName(0), 'sendmsg');
  assert.equal(R.sysName(4), 'msgsnd');
  assert.equal(R.sysName(13), 'other_recv');
  assert.equal(R.sysName(14), null);
});
