// The exporter's mapping from Models to series: exact sums, counters that
// never go down while processes exit, linger and fold, the series cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Counts, ProcessRow, Stat, SyscallName } from '../../src/data/model/model.js';
import { Monotonic } from '../../src/export/monotonic.js';
import { OTHER_SERIES, TrafficSeries, type Series, type Traffic } from '../../src/export/traffic.js';
import { createRegistry } from '../../src/export/metrics.js';
import { parseListen } from '../../src/export/listen.js';
import { makeModel, makeProcess } from '../fixtures/synthetic.js';

const c = (messages: number, errors = 0): Counts => ({ calls: messages + errors, messages, bytes: messages * 10, errors });
const st = (total: Counts): Stat => ({ total, rate: c(0) });

/** One process (or a folded row when `folded` > 0) with sendmsg/recvmsg totals. */
function row(pid: number, comm: string, send: number, recv: number, over: Partial<ProcessRow> = {}): ProcessRow {
  const syscalls: Partial<Record<SyscallName, Stat>> = { sendmsg: st(c(send)), recvmsg: st(c(recv, over.errnos ? 2 : 0)) };
  return makeProcess(0, 1, {
    key: `${pid}:1`,
    pid,
    comm,
    container: null,
    syscalls,
    send: syscalls.sendmsg!,
    recv: syscalls.recvmsg!,
    errnos: [],
    history: [send + recv],
    ...over,
  });
}

const find = (series: Series[], labels: Record<string, string>): number | undefined =>
  series.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test('Monotonic: a drop holds the level, later growth adds on top', () => {
  const g = new Monotonic();
  assert.equal(g.expose('k', 10, 0), 10);
  assert.equal(g.expose('k', 15, 1), 15);
  assert.equal(g.expose('k', 4, 2), 15); // 11 left the Model
  assert.equal(g.expose('k', 9, 3), 20); // +5 since
  assert.equal(g.expose('k', 9, 4), 20);
  g.forget('k', 5);
  assert.equal(g.size, 0);
});

test('a process exits, lingers, folds, and leaves: the group only rises and keeps every count', () => {
  const t = new TrafficSeries({ topK: 10, maxSeries: 5000 });
  const web = (tr: Traffic, syscall: string) => find(tr.messages, { comm: 'web', syscall, container: '' });
  const steps: [string, ProcessRow[], number, number][] = [
    ['two alive', [row(100, 'web', 10, 10), row(101, 'web', 5, 5)], 15, 15],
    ['100 exited, lingering', [row(100, 'web', 12, 12, { exitedAt: 1 }), row(101, 'web', 7, 7)], 19, 19],
    ['100 folded', [row(0, 'web', 12, 12, { key: 'fold:web:', folded: 1, exitedAt: 1 }), row(101, 'web', 9, 9)], 21, 21],
    [
      '101 exits and folds in too',
      [row(0, 'web', 21, 21, { key: 'fold:web:', folded: 2, exitedAt: 2 })],
      21,
      21,
    ],
    ['a new web process', [row(0, 'web', 21, 21, { key: 'fold:web:', folded: 2, exitedAt: 2 }), row(102, 'web', 3, 3)], 24, 24],
    // A sampler that drops rows instead of folding them: the guard keeps the level.
    ['the folded row is gone', [row(102, 'web', 4, 4)], 24, 24],
    ['102 sends more', [row(102, 'web', 10, 10)], 30, 30],
    ['no web row at all', [], 30, 30],
  ];
  let ts = 1000;
  for (const [what, rows, send, recv] of steps) {
    const tr = t.map(rows, (ts += 1000));
    assert.equal(web(tr, 'sendmsg'), send, what);
    assert.equal(web(tr, 'recvmsg'), recv, what);
    assert.equal(find(tr.bytes, { comm: 'web', syscall: 'sendmsg' }), send * 10, what);
    // Folded rows have no pid: never a per-process series.
    assert.equal(find(tr.process.messages, { pid: '0' }), undefined, what);
  }
});

test('a reused pid continues its per-process series instead of resetting it', () => {
  const t = new TrafficSeries({ topK: 10, maxSeries: 5000 });
  assert.equal(find(t.map([row(7, 'x', 100, 0)], 1).process.messages, { pid: '7', syscall: 'sendmsg' }), 100);
  assert.equal(find(t.map([row(7, 'x', 3, 0, { key: '7:2' })], 2).process.messages, { pid: '7', syscall: 'sendmsg' }), 103);
});

test('errors by errno: what the errno map missed is errno "unknown"', () => {
  const t = new TrafficSeries({ topK: 10, maxSeries: 5000 });
  const p = row(5, 'dns', 1, 1, { errnos: [{ syscall: 'recvmsg', errno: 11, name: 'EAGAIN', total: 1, rate: 0 }] });
  const tr = t.map([p], 1);
  assert.equal(find(tr.errors, { comm: 'dns', syscall: 'recvmsg', errno: 'EAGAIN' }), 1);
  assert.equal(find(tr.errors, { comm: 'dns', syscall: 'recvmsg', errno: 'unknown' }), 1);
  assert.equal(find(tr.process.errors, { pid: '5', errno: 'EAGAIN' }), 1);
});

test('top K: only the K most active processes get a pid label', () => {
  const t = new TrafficSeries({ topK: 2, maxSeries: 5000 });
  const tr = t.map([row(1, 'a', 1, 1), row(2, 'b', 50, 50), row(3, 'c', 20, 20)], 1);
  assert.deepEqual([...new Set(tr.process.messages.map((s) => s.labels.pid))].sort(), ['2', '3']);
});

test('2,000 distinct names stay under the cap; the overflow is counted and summed into "other"', () => {
  const n = 2000;
  const maxSeries = 5000;
  const rows = Array.from({ length: n }, (_, i) => makeProcess(i, n, { comm: `proc${i}` }));
  const t = new TrafficSeries({ topK: 10, maxSeries });
  const total = (tr: Traffic) => tr.messages.length + tr.bytes.length + tr.calls.length + tr.errors.length;
  const all = (tr: Traffic) => total(tr) + tr.process.messages.length + tr.process.bytes.length + tr.process.calls.length + tr.process.errors.length;
  // Every synthetic process uses sendmsg, sendmmsg, recvmsg, recvmmsg (3 series
  // each); every third one msgsnd too; all but process 0 have EAGAIN errors.
  const seriesOf = (i: number) => (i % 3 === 0 ? 15 : 12) + (i > 0 ? 1 : 0);
  const wanted = Array.from({ length: n }, (_, i) => seriesOf(i)).reduce((a, b) => a + b, 0);
  for (let round = 0; round < 3; round++) {
    const tr = t.map(rows, round);
    assert.ok(all(tr) <= maxSeries, `${all(tr)} series`);
    assert.ok(t.groupSeries <= maxSeries - OTHER_SERIES);
    // Every series of every process is either its own or counted as overflow.
    assert.equal(t.groupSeries + tr.overflowSeries, wanted);
    assert.ok(tr.overflowGroups > 0 && tr.overflowGroups <= n);
    // Nothing is lost: own + other = the sum of every row.
    for (const s of ['sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'msgsnd'] as const) {
      const exported = tr.messages.filter((x) => x.labels.syscall === s).reduce((a, x) => a + x.value, 0);
      const truth = rows.reduce((a, r) => a + (r.syscalls[s]?.total.messages ?? 0), 0);
      assert.equal(exported, truth, s);
    }
    assert.ok(find(tr.messages, { comm: 'other', container: 'other', syscall: 'sendmsg' })! > 0);
  }
});

test('the registry renders every family from the newest Model', async () => {
  const model = makeModel({ processes: 3, health: { ringbufDrops: 7 } });
  const reg = createRegistry({ topK: 1, maxSeries: 5000, version: '9.9.9', keep: () => true, latest: () => model });
  const text = await reg.metrics();
  assert.match(text, /^msgtop_messages_total\{syscall="sendmsg",direction="send",comm="dnsmasq",container=""\} 10800$/m);
  assert.match(text, /^msgtop_ringbuf_dropped_events_total 7$/m);
  assert.match(text, /^msgtop_info\{version="9.9.9",kernel="6.18.0",probes="sock",ipc_mode="auto"\} 1$/m);
  assert.match(text, /^process_resident_memory_bytes \d+/m);
  assert.equal((text.match(/^msgtop_process_messages_total\{pid="/gm) ?? []).length, 5); // top 1: process 0's five syscalls
  assert.doesNotMatch(text, /nodejs_active_handles_total/);
});

test('--prometheus addresses: loopback unless one is given', () => {
  assert.deepEqual(parseListen('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListen('0.0.0.0:9464'), { host: '0.0.0.0', port: 9464 });
  assert.deepEqual(parseListen('[::1]:9464'), { host: '::1', port: 9464 });
  assert.deepEqual(parseListen('localhost:1'), { host: 'localhost', port: 1 });
  for (const bad of ['', 'x', '70000', ':9464', '[zz]:1', '1.2.3.4:']) assert.equal(parseListen(bad), null, bad);
});
