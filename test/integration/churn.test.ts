// Exact forever: tens of thousands of short-lived processes pass through
// kernel maps sized for a fifth of them. Every message is counted, nothing
// is lost to a full map, exited processes leave the maps and fold into one
// row per command name, and a process started afterwards is counted exactly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Msgtop, findProcess, probeModes, runGen, settle, timeScale } from './harness.js';
import { churn } from './churn-run.js';
import { totalsByComm } from './totals.js';

// The kernel guests (TCG) set fewer children; the maps stay a fifth of them.
const CHILDREN = Number(process.env['MSGTOP_CHURN_CHILDREN'] ?? 20_000);
const NAMES = ['churn-a', 'churn-b', 'churn-c'];
const MAX_PROCS = Math.max(64, 1 << Math.round(Math.log2(CHILDREN / 5)));

for (const mode of probeModes) {
  describe(`${CHILDREN} short-lived processes, maps for ${MAX_PROCS}, --probes=${mode}`, () => {
    let m: Msgtop;
    before(async () => {
      m = new Msgtop(['--probes', mode, '--ipc', 'always', '--interval', '0.5', '--max-procs', String(MAX_PROCS), '--linger', '1', '--max-exited', '200']);
      await m.next();
    });
    after(async () => {
      assert.equal(await m.stop(), 0);
    });

    it('counts every message of every process, loses none to a full map, folds them per name', async () => {
      const r = await churn(CHILDREN, NAMES, ['--sendmsg', '2', '--mmsg', '1', '--vlen', '3', '--msgsnd', '1', '--size', '32']);
      assert.equal(r.churn.children, CHILDREN);
      const endedAt = Date.now();
      await new Promise((res) => setTimeout(res, 1500)); // past the linger time
      let line = await settle(m, endedAt + 1500);
      // A sampler slowed down (a kernel guest under emulation) folds the
      // last exits later: give it a deadline, not a fixed time.
      const deadline = Date.now() + 20_000 * timeScale;
      while (NAMES.some((n) => totalsByComm(line.processes, n).rows.length !== 1) && Date.now() < deadline) line = await m.next();

      assert.deepEqual(line.drops, {
        ringbuf: 0,
        counter_map_full: 0,
        errno_map_full: 0,
        detail_map_full: 0,
        state_lost: line.drops.state_lost, // syscalls mode: calls in flight at attach
        proc_map_full: 0,
        prog_missed: 0,
        exit_lost: 0,
      });
      for (const name of NAMES) {
        const want = r.comms[name]!;
        const got = totalsByComm(line.processes, name);
        assert.deepEqual(got.syscalls, want.ops, `${name}: per-syscall totals equal what its processes did`);
        assert.equal(got.rows.length, 1, `${name}: one folded row`);
        assert.equal(got.rows[0]!.folded, want.children);
        assert.equal(got.rows[0]!.exited, true);
      }
      // The kernel maps hold only processes that still have rows of their
      // own (alive, or exited within the last interval): the folded ones
      // would have filled them about five times over.
      const own = line.processes.filter((p) => p.folded === 0).length;
      assert.ok(line.maps.procs.used <= own, `procs map holds ${line.maps.procs.used} entries, ${own} processes have rows`);
      assert.ok(line.maps.counters.used <= own * 14, `counters map holds ${line.maps.counters.used} entries`);
      assert.deepEqual([line.maps.procs.max, line.maps.counters.max, line.maps.errnos.max], [MAX_PROCS, 4 * MAX_PROCS, MAX_PROCS]);
    });

    it('counts a process started after the churn exactly', async () => {
      const [gen] = runGen(['--sendmsg', '250', '--msgsnd', '30', '--size', '64']);
      const p = findProcess(await settle(m), gen!.pid);
      assert.deepEqual(p.syscalls.sendmsg, { calls: 250, messages: 250, bytes: 16_000, errors: 0 });
      assert.deepEqual(p.syscalls.recvmsg, { calls: 250, messages: 250, bytes: 16_000, errors: 0 });
      assert.deepEqual(p.syscalls.msgsnd, { calls: 30, messages: 30, bytes: 1_920, errors: 0 });
      assert.deepEqual(p.syscalls.msgrcv, { calls: 30, messages: 30, bytes: 1_920, errors: 0 });
    });
  });
}
