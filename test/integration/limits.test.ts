// Kernel-side limits are visible, never silent. More processes alive and
// sending at once than --max-procs sizes the maps for: a process whose
// counters entry could not be made is not in the table, and every call it
// made is in drops.counter_map_full, exactly; the maps read full; once the
// processes exit, counting is exact again. A ring buffer of 4 KiB under
// --all-events: every event is delivered or counted as dropped, and the
// counts themselves stay exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Msgtop, findProcess, msggen, probeModes, runGen, settle, timeScale, type JsonLine } from './harness.js';

const MAX_PROCS = 64; // the smallest --max-procs: 64 procs, 256 counters, 64 errnos entries
const WORKERS = 200; // sendmsg + recvmsg each: 400 counters entries wanted
const CALLS = 10;
const TRIES = 5;

interface Result {
  pid: number;
  ops: Record<string, { calls: number }>;
}

/**
 * msggen --procs WORKERS --wait --hold: every worker sets up, then all send
 * when told and stay alive until stdin closes. stdout goes to a file, so the
 * workers make no socket calls but the counted ones.
 */
async function liveWorkers(dir: string, args: string[]) {
  const out = join(dir, 'workers.out');
  const child = spawn(msggen, ['--procs', String(WORKERS), '--wait', '--hold', ...args], {
    stdio: ['pipe', openSync(out, 'w'), 'inherit'],
  });
  const lines = () => readFileSync(out, 'utf8').split('\n');
  const until = async (what: string, ok: () => boolean) => {
    const deadline = Date.now() + 60_000 * timeScale;
    while (!ok()) {
      if (child.exitCode !== null) throw new Error(`msggen exited (${child.exitCode}) before ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await until('every worker ready', () => lines().filter((l) => l.startsWith('ready ')).length === WORKERS);
  child.stdin!.write('\n');
  await until('every worker done', () => lines().filter((l) => l.startsWith('{')).length === WORKERS);
  const results = lines()
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Result);
  const end = async () => {
    child.stdin!.end();
    if (child.exitCode === null) await new Promise((r) => child.on('exit', r));
    assert.equal(child.exitCode, 0, 'every worker did what it was asked');
  };
  return { results, end, parent: child.pid! };
}

/** Calls a process made by syscall name, as msgtop's JSON has them (0 if absent). */
function counted(line: JsonLine, pid: number, sys: string): number {
  return line.processes.find((p) => p.pid === pid && p.folded === 0)?.syscalls[sys]?.calls ?? 0;
}

describe(`${WORKERS} processes alive and sending at once, maps for ${MAX_PROCS} (--probes ${probeModes[0]})`, () => {
  it('a process with no room is not counted, and every call it made is in counter_map_full; then exact again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msgtop-limits-'));
    const m = new Msgtop(['--probes', probeModes[0]!, '--ipc', 'off', '--interval', '0.2', '--max-procs', String(MAX_PROCS), '--linger', '600', '--max-exited', '100000']);
    try {
      // Any process on the machine that starts sending while the maps are
      // full is refused too, and its calls count as map-full with the
      // workers'. So: exact on a quiet machine, at least what the workers
      // lost on a busy one; a few tries to find it quiet.
      const tries: string[] = [];
      for (let attempt = 0; attempt < TRIES && tries.length === attempt; attempt++) {
        const before = await m.next(2);
        assert.deepEqual([before.maps.procs.max, before.maps.counters.max, before.maps.errnos.max], [MAX_PROCS, 4 * MAX_PROCS, MAX_PROCS]);
        const w = await liveWorkers(dir, ['--transport', 'unix', '--size', '8', '--sendmsg', String(CALLS)]);
        const full = await settle(m);
        await w.end();
        const after = await settle(m);

        let lost = 0;
        let countedProcs = 0;
        let whole = true;
        for (const r of w.results) {
          let any = false;
          for (const sys of ['sendmsg', 'recvmsg']) {
            assert.equal(r.ops[sys]!.calls, CALLS);
            const c = counted(after, r.pid, sys);
            assert.ok(c >= 0 && c <= CALLS, `pid ${r.pid} ${sys}: ${c} of ${CALLS}`);
            // A counters entry is made at the first call or not at all, unless
            // another process exits meanwhile and frees room halfway.
            whole &&= c === 0 || c === CALLS;
            lost += CALLS - c;
            any ||= c > 0;
          }
          if (any) countedProcs++;
        }
        assert.ok(lost > 0, 'more wanted counting than the maps hold');
        const mapFull = after.drops.counter_map_full! - before.drops.counter_map_full!;
        assert.ok(mapFull >= lost, `${lost} calls not counted, only ${mapFull} counted as map-full`);
        // Processes counted with no room left in the procs map (their names
        // come from /proc while they live): each once. The workers' parent
        // reads its stdin (a socket) before they start: counted in sock mode.
        const parent = after.processes.some((p) => p.pid === w.parent && Object.keys(p.syscalls).length > 0) ? 1 : 0;
        const freeProcs = before.maps.procs.max - before.maps.procs.used;
        const procFull = after.drops.proc_map_full! - before.drops.proc_map_full!;
        // All of them alive: the maps read full (less what other processes on
        // the machine free by exiting meanwhile), past the header's 75 % at least.
        assert.ok(full.maps.counters.used >= full.maps.counters.max * 0.75, `counters map ${JSON.stringify(full.maps.counters)}`);
        const fullNow = full.maps.counters.used >= full.maps.counters.max - 8 && full.maps.procs.used >= full.maps.procs.max - 4;
        // Each process once, not each attempt to name it.
        if (whole && fullNow && mapFull === lost && procFull > 0 && procFull <= countedProcs + parent) break;
        tries.push(JSON.stringify({ lost, mapFull, countedProcs, parent, freeProcs, procFull, whole, full: full.maps, before: before.maps }));
      }
      assert.ok(tries.length < TRIES, `never exact:\n${tries.join('\n')}`);

      // They exited: the maps empty out and a new process is counted exactly.
      const [gen] = runGen(['--transport', 'unix', '--sendmsg', '300', '--size', '20']);
      const line = await settle(m);
      assert.ok(line.maps.counters.used < line.maps.counters.max, `${line.maps.counters.used} counters entries left`);
      const p = findProcess(line, gen!.pid);
      assert.deepEqual(p.syscalls.sendmsg, { calls: 300, messages: 300, bytes: 6000, errors: 0 });
      assert.deepEqual(p.syscalls.recvmsg, { calls: 300, messages: 300, bytes: 6000, errors: 0 });
    } finally {
      assert.equal(await m.stop(), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the event ring buffer at 4 KiB under --all-events', () => {
  it('events submitted = delivered, the rest counted as dropped; the counts stay exact', async () => {
    const m = new Msgtop(['--probes', probeModes[0]!, '--ipc', 'off', '--interval', '0.5', '--all-events', '--ringbuf-kb', '4']);
    try {
      const before = await m.next(2);
      const [gen] = runGen(['--transport', 'unix', '--size', '16', '--sendmsg', '50000']);
      let line = await settle(m);
      // Let the last events drain into msgtop.
      for (let i = 0; i < 20 && line.events!.delivered < line.events!.submitted; i++) line = await m.next();
      const p = findProcess(line, gen!.pid);
      assert.deepEqual(p.syscalls.sendmsg, { calls: 50_000, messages: 50_000, bytes: 800_000, errors: 0 });
      assert.deepEqual(p.syscalls.recvmsg, { calls: 50_000, messages: 50_000, bytes: 800_000, errors: 0 });
      const { submitted, delivered } = line.events!;
      const dropped = line.drops.ringbuf! - before.drops.ringbuf!;
      assert.ok(dropped > 0, 'a 4 KiB buffer overflows under 100,000 events');
      assert.equal(delivered, submitted, 'every event the kernel submitted reached msgtop');
      // Produced = submitted + dropped: at least the generator's 100,000
      // (every process's events go to the buffer with --all-events).
      assert.ok(submitted - before.events!.submitted + dropped >= 100_000, JSON.stringify({ submitted, dropped }));
    } finally {
      assert.equal(await m.stop(), 0);
    }
  });
});
