// A few exits among many live processes: the exit notice takes each one's
// entries out of the kernel maps by their keys (the whole maps are read only
// when many exit at once), with every count it made handed over exactly.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findProcess, msggen, Msgtop, probeModes, runGen, settle, stopProcess, timeScale } from './harness.js';

const LIVE = 1000;

/** The pids of every entry in one of msgtop's kernel maps (a key starts with the tgid). */
function pidsIn(map: 'counters' | 'procs'): Set<number> {
  const r = spawnSync('bpftool', ['-j', 'map', 'dump', 'name', map], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bpftool map dump name ${map}: ${r.stderr}`);
  const entries = JSON.parse(r.stdout) as { key: string[] }[];
  return new Set(entries.map((e) => Buffer.from(e.key.slice(0, 4).map((b) => Number(b))).readUInt32LE(0)));
}

let m: Msgtop;
let live: ChildProcess;

before(async () => {
  m = new Msgtop(['--probes', probeModes[0]!, '--ipc', 'off', '--interval', '0.5']);
  await m.next();
  // Each worker sends one message to itself and stays: two counter keys each.
  live = spawn(msggen, ['--wait', '--hold', '--procs', String(LIVE), '--transport', 'unix', '--sendmsg', '1'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let ready = 0;
  createInterface({ input: live.stdout! }).on('line', (l) => (ready += l.startsWith('ready') ? 1 : 0));
  const deadline = Date.now() + 60_000 * timeScale;
  while (ready < LIVE) {
    assert.ok(Date.now() < deadline && live.exitCode === null, `${ready} of ${LIVE} workers ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
  live.stdin!.write('\n');
  let line = await m.next();
  while (line.maps.counters.used < 2 * LIVE) line = await m.next();
});

after(async () => {
  await stopProcess(live);
  assert.equal(await m.stop(), 0);
});

it(`a process exiting among ${LIVE} live ones: its exact counts, and its entries gone from the kernel maps`, async () => {
  for (let round = 0; round < 3; round++) {
    const [gen] = runGen(['--sendmsg', String(7 + round), '--size', '16']);
    const line = await settle(m);
    const p = findProcess(line, gen!.pid);
    const n = 7 + round;
    assert.deepEqual(p.syscalls.sendmsg, { calls: n, messages: n, bytes: 16 * n, errors: 0 });
    assert.deepEqual(p.syscalls.recvmsg, { calls: n, messages: n, bytes: 16 * n, errors: 0 });
    assert.equal(p.exited, true);
    assert.equal(line.drops.exit_lost, 0);
    assert.equal(pidsIn('counters').has(gen!.pid), false, 'no counter entry left');
    assert.equal(pidsIn('procs').has(gen!.pid), false, 'no process entry left');
  }
  // The live ones are all still there.
  const counters = pidsIn('counters');
  const line = await m.next();
  const workers = line.processes.filter((p) => p.comm === 'msggen' && !p.exited && p.syscalls.sendmsg?.messages === 1);
  assert.equal(workers.length, LIVE);
  assert.ok(workers.every((w) => counters.has(w.pid)));
});
