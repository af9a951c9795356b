import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLine } from '../../src/cli/json.js';
import type { Counts, Model, ProcessRow, Stat } from '../../src/data/model/model.js';

const c = (calls: number, messages = calls, bytes = 0, errors = 0): Counts => ({ calls, messages, bytes, errors });
const st = (total: Counts): Stat => ({ total, rate: c(0) });

function proc(pid: number, startTicks: number, over: Partial<ProcessRow> = {}): ProcessRow {
  return {
    key: `${pid}:${startTicks}`,
    pid,
    startTicks,
    comm: 'c',
    cmdline: 'c -x',
    user: 'root',
    uid: 0,
    container: null,
    cgroup: '/',
    exitedAt: null,
    folded: 0,
    send: st(c(0)),
    recv: st(c(0)),
    syscalls: {},
    errnos: [],
    history: [],
    ...over,
  };
}

const model = (processes: ProcessRow[]): Model => ({
  ts: 1_700_000_000_000,
  intervalMs: 1000,
  host: 'h',
  kernel: '6.18',
  probes: 'syscalls',
  probesReason: 'no sock tracepoints on 6.1',
  ipc: { mode: 'auto', tracing: true, since: 5, error: null },
  privileges: { uid: 1000, gid: 1001, user: 'alice', caps: ['perfmon', 'bpf'], dropped: true },
  uptimeMs: 1,
  health: { ringbufDrops: 1, ringbufEvents: 2, ringbufDelivered: 2, counterMapFull: 3, errnoMapFull: 4, detailMapFull: 5, stateLost: 6, procMapFull: 7, progMissed: 8, exitLost: 9 },
  maps: { counters: { used: 10, max: 400 }, procs: { used: 5, max: 100 }, errnos: { used: 0, max: 100 } },
  cost: { bpfNsPerSec: 0, cpuPercent: 0, rssBytes: 0, loopStallMs: 0, sampleMs: 0 },
  send: st(c(0)),
  recv: st(c(0)),
  processes,
  detail: null,
  events: [],
});

test('one line, fixed key order, cumulative counts of active syscalls only', () => {
  const line = jsonLine(
    model([
      proc(20, 7, {
        exitedAt: 123,
        container: 'abcdef012345',
        syscalls: { recvmsg: st(c(3, 3, 30, 1)), sendmsg: st(c(2, 2, 20)), msgsnd: st(c(0)) },
        errnos: [
          { syscall: 'recvmsg', errno: 11, name: 'EAGAIN', total: 1, rate: 0 },
          { syscall: 'sendmsg', errno: 32, name: 'EPIPE', total: 4, rate: 1 },
          { syscall: 'recvmsg', errno: 4, name: 'EINTR', total: 2, rate: 0 },
        ],
      }),
      proc(10, 9),
      proc(0, 0, { key: 'exited:churn\0', comm: 'churn', exitedAt: 99, folded: 29_980, syscalls: { sendmsg: st(c(29_980, 29_980, 959_360)) } }),
    ]),
  );
  assert.ok(!line.includes('\n'));
  const o = JSON.parse(line);
  assert.deepEqual(Object.keys(o), ['ts', 'interval_ms', 'probes', 'probes_reason', 'ipc', 'privileges', 'drops', 'maps', 'events', 'cost', 'processes']);
  assert.deepEqual([o.probes, o.probes_reason], ['syscalls', 'no sock tracepoints on 6.1']);
  assert.deepEqual(o.ipc, { mode: 'auto', tracing: true, error: null });
  assert.deepEqual(o.privileges, { user: 'alice', uid: 1000, gid: 1001, dropped: true, caps: ['perfmon', 'bpf'] });
  assert.deepEqual(o.drops, { ringbuf: 1, counter_map_full: 3, errno_map_full: 4, detail_map_full: 5, state_lost: 6, proc_map_full: 7, prog_missed: 8, exit_lost: 9 });
  assert.deepEqual(o.maps, { counters: { used: 10, max: 400 }, procs: { used: 5, max: 100 }, errnos: { used: 0, max: 100 } });
  assert.deepEqual(o.events, { submitted: 2, delivered: 2 });
  assert.deepEqual(
    o.processes.map((p: { pid: number; folded: number }) => [p.pid, p.folded]),
    [
      [10, 0],
      [20, 0],
      [0, 29_980],
    ],
  );
  // Exited processes folded into one entry keep their totals.
  assert.deepEqual(o.processes[2].syscalls, { sendmsg: { calls: 29_980, messages: 29_980, bytes: 959_360, errors: 0 } });
  assert.equal(o.processes[2].comm, 'churn');
  assert.equal(o.processes[2].exited, true);
  const p = o.processes[1];
  assert.deepEqual(Object.keys(p), ['pid', 'start_ticks', 'comm', 'cmdline', 'user', 'container', 'exited', 'folded', 'syscalls', 'errnos']);
  assert.equal(p.exited, true);
  assert.equal(p.container, 'abcdef012345');
  assert.equal(o.processes[0].container, null);
  assert.deepEqual(Object.keys(p.syscalls), ['sendmsg', 'recvmsg']);
  assert.deepEqual(p.syscalls.recvmsg, { calls: 3, messages: 3, bytes: 30, errors: 1 });
  assert.deepEqual(p.errnos, { sendmsg: { EPIPE: 4 }, recvmsg: { EAGAIN: 1, EINTR: 2 } });
  assert.deepEqual(Object.keys(p.errnos), ['sendmsg', 'recvmsg']);
  assert.deepEqual(Object.keys(p.errnos.recvmsg), ['EAGAIN', 'EINTR']);
});
