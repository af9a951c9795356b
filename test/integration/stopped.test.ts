// msgtop stopped for a long while (Ctrl-Z, SIGSTOP) on a machine that keeps
// starting and ending processes: its BPF programs keep counting, but
// nothing moves exited processes out of the maps and the exit-notice ring
// buffer (256 KiB: 10,922 notices) overflows. Once continued, every
// message is in its totals: notices that were queued are handled at once,
// and the processes whose notice was lost leave the maps when /proc shows
// them gone (drops.exit_lost counts them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Msgtop, timeScale } from './harness.js';
import { churn } from './churn-run.js';
import { totalsByComm } from './totals.js';

const CHILDREN = 12_000;
/** Notices the exits ring buffer holds: 256 KiB of 16-byte records with an 8-byte header each. */
const RING_NOTICES = Math.floor((256 << 10) / 24);
const NAMES = ['stopped-a', 'stopped-b', 'stopped-c'];

describe('a long stop', () => {
  it(`counts every message of ${CHILDREN} processes that came and went while msgtop was stopped`, async () => {
    const m = new Msgtop(['--interval', '0.5', '--linger', '1', '--ipc', 'off']);
    try {
      await m.next();
      m.child.kill('SIGSTOP');
      const r = await churn(CHILDREN, NAMES, ['--sendmsg', '3', '--size', '16']);
      assert.equal(r.churn.children, CHILDREN);
      m.child.kill('SIGCONT');
      const continuedAt = Date.now();
      // Past the linger time, every name folded into one row.
      let line = await m.next();
      const deadline = Date.now() + 20_000 * timeScale;
      while ((line.ts < continuedAt + 1500 || NAMES.some((n) => totalsByComm(line.processes, n).rows.length !== 1)) && Date.now() < deadline) {
        line = await m.next();
      }
      for (const name of NAMES) {
        const got = totalsByComm(line.processes, name);
        assert.deepEqual(got.syscalls, r.comms[name]!.ops, `${name}: every message`);
        assert.equal(got.rows.length, 1, `${name}: one folded row`);
        assert.equal(got.rows[0]!.folded, r.comms[name]!.children);
      }
      assert.ok(line.drops['exit_lost']! >= CHILDREN - RING_NOTICES, `exit notices lost: ${line.drops['exit_lost']}`);
      assert.equal(line.drops['counter_map_full'], 0);
      assert.equal(line.drops['proc_map_full'], 0);
      // The maps hold live processes again, not the 12,000 exited ones.
      assert.ok(line.maps.procs.used < 2000, `procs map holds ${line.maps.procs.used}`);
    } finally {
      assert.equal(await m.stop(), 0);
    }
  });
});
