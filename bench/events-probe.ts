// Child process for the event-stream benchmark: the addon alone (LiveSource,
// sock probes, events for every process), counting what reaches JS.
//   stdout: "ready" once attached; on a stdin line, waits for the ring
//   buffer to drain and prints one JSON line
//   {submitted, dropped, delivered, batches, firstMs, lastMs}
// then detaches and exits. Submitted/dropped are the kernel's counters
// (enum mt_stat RB_EVENTS / RB_DROPS); delivered is what JS got.
import { createInterface } from 'node:readline';
import { LiveSource } from '../src/data/kernel/live.js';
import { EVENT_RECORD, MT_STAT } from '../src/data/kernel/records.js';

const source = new LiveSource({ probes: 'sock', ipc: 'off' });
let delivered = 0;
let batches = 0;
let firstMs = 0;
let lastMs = 0;
source.setGlobalEvents(true);
source.onEvents((buf) => {
  const now = performance.now();
  if (!delivered) firstMs = now;
  lastMs = now;
  delivered += buf.length / EVENT_RECORD;
  batches++;
});
const stats0 = source.snapshot().stats;
process.stdout.write('ready\n');

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

createInterface({ input: process.stdin }).once('line', async () => {
  // Drain: stop when nothing new arrived for 300 ms.
  let last = -1;
  while (last !== delivered) {
    last = delivered;
    await wait(300);
  }
  // Read the kernel's counters and our count in the same tick.
  const s = source.snapshot().stats;
  const at = (i: number) => Number(s[i]! - stats0[i]!);
  const out = {
    submitted: at(MT_STAT.RB_EVENTS),
    dropped: at(MT_STAT.RB_DROPS),
    delivered,
    batches,
    firstMs,
    lastMs,
  };
  source.close();
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
});
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    source.close();
    process.exit(1);
  });
