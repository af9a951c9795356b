// Nothing is lost silently: with a tiny ring buffer and a flood of events,
// every event the kernel could not reserve is counted, and
// produced = delivered + dropped, exactly.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LiveSource } from '../../src/data/kernel/live.js';
import type { Model } from '../../src/data/model/model.js';
import { parseStat } from '../../src/data/proc/registry.js';
import { EventLog } from '../../src/data/sample/eventlog.js';
import { Sampler } from '../../src/data/sample/sampler.js';
import { findProcess, Msgtop, runGen, settle, startGen } from './harness.js';

const N = 50_000;

it('a 4 KiB ring buffer under a flood: drops counted, produced = delivered + dropped', async () => {
  const source = new LiveSource({ probes: 'sock', ipc: 'off', ringbufBytes: 4096 });
  const sampler = new Sampler(source, { lingerMs: Infinity });
  // Events only for the watched generator, so the number produced is known.
  const { child: gen, next: line } = startGen(['--transport', 'unix', '--size', '16', '--sendmsg', String(N)]);
  try {
    const pid = Number((await line()).split(' ')[1]); // "ready PID"
    const ticks = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))!.startTicks;
    sampler.sample();
    sampler.watch(`${pid}:${ticks}`);
    gen.stdin!.write('\n');
    await line(); // result written: every op is done
    // Let the event pump drain what the buffer still holds.
    let m: Model = sampler.sample();
    for (let i = 0; i < 40 && m.health.ringbufDelivered < m.health.ringbufEvents; i++) {
      await new Promise((r) => setTimeout(r, 50));
      m = sampler.sample();
    }
    const p = m.processes.find((x) => x.pid === pid)!;
    assert.equal(p.syscalls.sendmsg!.total.calls, N, 'counters stay exact whatever happens to events');
    assert.equal(p.syscalls.recvmsg!.total.calls, N);

    const { ringbufEvents: submitted, ringbufDrops: dropped, ringbufDelivered: delivered } = m.health;
    assert.ok(dropped > 0, 'a 4 KiB buffer must overflow under this flood');
    assert.equal(delivered, submitted, 'everything submitted reached msgtop');
    // N sendmsg + N recvmsg, plus (sock mode) reading our "\n" and writing the result.
    assert.equal(submitted + dropped, 2 * N + 2);
  } finally {
    gen.stdin!.end();
    await new Promise((r) => gen.on('exit', r));
    source.close();
  }
});

it('--all-events: every event of a process nobody watches reaches msgtop', async () => {
  // Kernel side nothing is watched: only --all-events sends this
  // generator's events. The log keeps its pid's events user side to count them.
  const source = new LiveSource({ probes: 'sock', ipc: 'off', ringbufBytes: 64 << 20 });
  const events = new EventLog({ watchedMax: 10_000 });
  const sampler = new Sampler(source, { lingerMs: Infinity, events });
  source.setGlobalEvents(true);
  const { child: gen, next: line } = startGen(['--transport', 'unix', '--size', '16', '--sendmsg', '2000']);
  try {
    const pid = Number((await line()).split(' ')[1]); // "ready PID"
    events.watch(pid);
    sampler.sample();
    gen.stdin!.write('\n');
    await line();
    let m: Model = sampler.sample();
    for (let i = 0; i < 40 && m.health.ringbufDelivered < m.health.ringbufEvents; i++) {
      await new Promise((r) => setTimeout(r, 50));
      m = sampler.sample();
    }
    assert.equal(m.health.ringbufDrops, 0, 'a 64 MiB buffer holds this run');
    const bySyscall = new Map<string, number>();
    for (const e of events.watchedEvents()) bySyscall.set(e.syscall, (bySyscall.get(e.syscall) ?? 0) + 1);
    assert.equal(bySyscall.get('sendmsg'), 2000);
    assert.equal(bySyscall.get('recvmsg'), 2000);
  } finally {
    gen.stdin!.end();
    await new Promise((r) => gen.on('exit', r));
    source.close();
  }
});

it('--json gets events only with --all-events (nothing is watched there)', async () => {
  for (const flag of [[], ['--all-events']]) {
    const m = new Msgtop(['--probes', 'sock', '--ipc', 'off', '--interval', '0.2', ...flag]);
    try {
      await m.next();
      const [gen] = runGen(['--transport', 'unix', '--sendmsg', '2000']);
      const line = await settle(m);
      assert.equal(findProcess(line, gen!.pid).syscalls.sendmsg!.calls, 2000);
      const { submitted } = line.events!;
      // With the flag, everyone's events: the generator's 4,000 and others'.
      if (flag.length === 0) assert.equal(submitted + line.drops.ringbuf!, 0);
      else assert.ok(submitted + line.drops.ringbuf! >= 4000, JSON.stringify(line.events));
    } finally {
      assert.equal(await m.stop(), 0);
    }
  }
});
