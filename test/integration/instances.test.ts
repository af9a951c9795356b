// Two msgtop at once each count exactly and each detach cleanly. A wall-clock
// step (date -s) moves only the timestamps: intervals, and so rates, come
// from the monotonic clock.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { Msgtop, findProcess, msggen, probeModes, progIdsOf, runGen, settle, stillLoaded, type JsonLine } from './harness.js';

it('two msgtop --json at once: both exact on the same workload, both detach', async () => {
  // The same probes in both, and each its own ring buffer of events.
  // Exited processes keep rows of their own whatever else exits on the machine.
  const keep = ['--linger', '600', '--max-exited', '100000'];
  const a = new Msgtop(['--probes', probeModes[0]!, '--ipc', 'always', '--interval', '0.3', '--all-events', ...keep]);
  const b = new Msgtop(['--probes', probeModes[0]!, '--ipc', 'always', '--interval', '0.5', '--max-procs', '1024', ...keep]);
  let ids: number[][] = [];
  try {
    await Promise.all([a.next(), b.next()]);
    const gens = [
      ...runGen(['--transport', 'udp', '--sendmsg', '3000', '--mmsg', '200', '--vlen', '5', '--eagain', '7', '--size', '100']),
      ...runGen(['--transport', 'unix', '--procs', '3', '--sendto', '500', '--msgsnd', '40', '--size', '30']),
    ];
    const [la, lb] = await Promise.all([settle(a), settle(b)]);
    for (const [name, line] of [['a', la], ['b', lb]] as const) {
      for (const g of gens) {
        const p = findProcess(line, g.pid);
        for (const [sys, want] of Object.entries(g.ops)) assert.deepEqual(p.syscalls[sys], want, `msgtop ${name}, pid ${g.pid} ${sys}`);
        const errnos = Object.values(p.errnos).flatMap((e) => Object.entries(e));
        assert.deepEqual(Object.fromEntries(errnos), g.errnos, `msgtop ${name}, pid ${g.pid} errnos`);
      }
      assert.equal(line.drops.counter_map_full, 0);
      assert.equal(line.drops.prog_missed, 0, `msgtop ${name}: no run skipped`);
    }
  } finally {
    // Each has its own programs (other msgtop on the machine aside).
    ids = [a, b].map((m) => (m.child.exitCode === null ? progIdsOf(m.child.pid!) : []));
    const [ca, cb] = await Promise.all([a.stop(), b.stop()]);
    assert.deepEqual([ca, cb], [0, 0]);
  }
  assert.ok(ids[0]!.length > 0 && ids[1]!.length > 0, `programs ${JSON.stringify(ids)}`);
  assert.equal(new Set([...ids[0]!, ...ids[1]!]).size, ids[0]!.length + ids[1]!.length, 'none shared');
  assert.deepEqual(await stillLoaded([...ids[0]!, ...ids[1]!]), [], 'both detached: none of their programs is left');
});

/** Sets the wall clock to `ms` since the epoch (CLOCK_REALTIME; root). */
function setWall(ms: number): void {
  const r = spawnSync('date', ['-s', `@${(ms / 1000).toFixed(3)}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`date -s failed: ${r.stderr}`);
}

it('a wall-clock step back and forward: intervals stay true, totals never drop, rates stay sane', async () => {
  const STEP = 3600_000;
  // The wall clock at a monotonic instant: what to put back, whatever happens.
  const wall0 = Date.now();
  const mono0 = process.hrtime.bigint();
  const trueWall = () => wall0 + Number(process.hrtime.bigint() - mono0) / 1e6;
  const m = new Msgtop(['--probes', probeModes[0]!, '--ipc', 'off', '--interval', '0.5', '--linger', '600', '--max-exited', '100000']);
  await m.next();
  // 200 pairs a second for 8 s, at an even pace.
  const gen = spawn(msggen, ['--transport', 'unix', '--rate-hz', '200', '--sendmsg', '1600', '--size', '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  gen.stdout.on('data', (d: Buffer) => (out += d));
  let stepped = false;
  try {
    await m.next(3);
    setWall(trueWall() - STEP);
    stepped = true;
    await m.next(3);
    setWall(trueWall());
    stepped = false;
    await m.next(3);
    await new Promise((r) => gen.on('exit', r));
    await m.next(2);
  } finally {
    if (stepped) setWall(trueWall());
    assert.equal(await m.stop(), 0);
  }
  assert.ok(Math.abs(Date.now() - trueWall()) < 1000, 'the wall clock is back');
  const pid = (JSON.parse(out) as { pid: number }).pid;
  const lines: JsonLine[] = m.lines;
  let prev = 0;
  let steps = 0;
  for (const [i, l] of lines.entries()) {
    assert.ok(l.interval_ms >= 250 && l.interval_ms <= 2000, `line ${i}: interval ${l.interval_ms} ms`);
    if (i > 0 && Math.abs(l.ts - lines[i - 1]!.ts - l.interval_ms) > STEP / 2) steps++;
    const p = l.processes.find((x) => x.pid === pid);
    const sent = p?.syscalls['sendmsg']?.messages ?? 0;
    assert.ok(sent >= prev, `line ${i}: total went from ${prev} to ${sent}`);
    // What a consumer computes from two lines: 200/s, with room for the
    // pacing and the interval's edges, never negative.
    const rate = ((sent - prev) / l.interval_ms) * 1000;
    assert.ok(rate >= 0 && rate <= 600, `line ${i}: ${rate}/s`);
    prev = sent;
  }
  assert.equal(steps, 2, 'ts followed the wall clock back and forward');
  assert.equal(prev, 1600, 'every message counted');
});
