import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CostMeter } from '../../src/data/sample/cost.js';
import type { RawSnapshot } from '../../src/data/kernel/source.js';

const snap = { prog: { runTimeNs: 0, runCount: 0, missed: 0 }, probes: 'sock' } as RawSnapshot;
const none = { send: { calls: 0, messages: 0, bytes: 0, errors: 0 }, recv: { calls: 0, messages: 0, bytes: 0, errors: 0 } };

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test("the event loop's longest stall since the last measure: a 150 ms block shows, then is gone", async () => {
  const meter = new CostMeter();
  meter.measure(snap, 1, none, meter.started());
  await sleep(50);
  block(150);
  await sleep(50);
  const stalled = meter.measure(snap, 1, none, meter.started()).loopStallMs;
  assert.ok(stalled >= 140 && stalled < 1000, `stall ${stalled} ms`);
  await sleep(100);
  const calm = meter.measure(snap, 1, none, meter.started()).loopStallMs;
  assert.ok(calm < stalled / 2, `after the stall: ${calm} ms`);
});

test("a sample's own time: from started() to measure", () => {
  let ns = 1_000_000_000n;
  const meter = new CostMeter({ cpuUs: () => 0, hrNs: () => ns, rssBytes: () => 0, loopStallMs: () => 0 });
  const t0 = meter.started();
  ns += 42_500_000n;
  assert.equal(meter.measure(snap, 1, none, t0).sampleMs, 42.5);
});
