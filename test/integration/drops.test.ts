// Nothing is lost silently: with a tiny ring buffer and a flood of events,
// every event the kernel could not reserve is counted, and
// produced = delivered + dropped.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { findProcess, Msgtop, runGen, settle } from './harness.js';

it('a 4 KiB ring buffer under a flood: drops counted, produced = delivered + dropped', async () => {
  const m = new Msgtop(['--probes', 'sock', '--ipc', 'off', '--all-events', '--ringbuf-kb', '4', '--interval', '0.2']);
  try {
    await m.next();
    const [gen] = runGen(['--transport', 'unix', '--sendmsg', '50000', '--size', '16']);
    const line = await settle(m);
    const p = findProcess(line, gen!.pid);
    // The counters stay exact whatever happens to events.
    assert.equal(p.syscalls.sendmsg!.calls, 50_000);
    assert.equal(p.syscalls.recvmsg!.calls, 50_000);

    const events = line.events!;
    const dropped = line.drops.ringbuf!;
    assert.ok(dropped > 0, 'a 4 KiB buffer must overflow under this flood');
    assert.equal(events.delivered, events.submitted, 'everything submitted reached msgtop');
    // Every counted operation on the machine tried to emit one event (no
    // mmsg traffic here): attempts = submitted + dropped.
    let attempts = 0;
    for (const proc of line.processes) {
      for (const [name, s] of Object.entries(proc.syscalls)) {
        attempts += name.endsWith('mmsg') ? s.messages + s.errors : s.calls;
      }
    }
    assert.equal(events.submitted + dropped, attempts);
    assert.ok(attempts >= 100_001);
  } finally {
    assert.equal(await m.stop(), 0);
  }
});
