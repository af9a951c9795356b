// Kernel counters are u64; msgtop's arithmetic is in doubles, exact to 2^53.
// Past that (README "Reliability": bytes at 10 GB/s from one process after
// 10.4 days, messages at 10 M/s after 28.5 years) values are rounded to the
// nearest double: never negative, never going backwards, and printed in
// their column's width up to 2^64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCounters, type CounterRec } from '../../src/data/kernel/records.js';
import { ProcTable } from '../../src/data/sample/proc-table.js';
import { BYTES_WIDTH, COUNT_WIDTH, fmtBytes, fmtCount } from '../../src/ui/format.js';
import { counter } from './build.js';

const P53 = 2n ** 53n;

function decode(v: bigint): number {
  let out = NaN;
  decodeCounters(counter(1, 0, 1n, { bytes: v, calls: v }), (r: Readonly<CounterRec>) => (out = r.bytes));
  return out;
}

test('u64 → number: exact to 2^53, then the nearest double, never decreasing', () => {
  assert.equal(decode(P53 - 1n), 2 ** 53 - 1);
  assert.equal(decode(P53), 2 ** 53);
  let prev = -1;
  for (let v = P53 - 8n; v <= P53 + 8n; v++) {
    const d = decode(v);
    assert.ok(Math.abs(d - Number(v)) <= 1, `${v} → ${d}`);
    assert.ok(d >= prev, `${v}: ${d} < ${prev}`);
    prev = d;
  }
  assert.equal(decode(2n ** 64n - 1n), 2 ** 64);
  assert.ok(Number.isFinite(decode(2n ** 64n - 1n)));
});

test('totals and deltas across 2^53: within a few bytes, never negative', () => {
  const t = new ProcTable();
  const grew: number[] = [];
  let sample = 0;
  const read = (bytes: bigint) =>
    t.ingestCounters(counter(7, 0, 5n, { calls: 1n, messages: 1n, bytes }), ++sample, (_, inc) => grew.push(inc.bytes));
  read(P53 - 1000n); // the first read: all of it is new
  read(P53 + 1000n);
  read(P53 + 1001n); // + 1, which a double at 2^53 cannot hold
  read(2n ** 60n);
  read(2n ** 64n - 1n);
  assert.ok(grew.every((g) => g >= 0), `growth ${grew}`);
  assert.ok(Math.abs(grew[1]! - 2000) <= 2, `2,000 bytes across 2^53 read as ${grew[1]}`);
  const total = t.find(7, 5n)!.totals[0]!.bytes;
  assert.ok(Math.abs(total - 2 ** 64) / 2 ** 64 < 1e-15, `total ${total}`);
});

test('formats fit their columns up to 2^64', () => {
  for (const v of [2 ** 53, 2 ** 60, 999.4e15, 2 ** 64, 2 ** 64 - 1]) {
    assert.ok(fmtCount(v).length <= COUNT_WIDTH, `${v}: ${fmtCount(v)}`);
    assert.ok(fmtBytes(v).length <= BYTES_WIDTH, `${v}: ${fmtBytes(v)}`);
  }
  assert.equal(fmtCount(2 ** 64), '18.4E');
  assert.equal(fmtBytes(2 ** 64), '16.0EiB');
  assert.equal(fmtBytes(2 ** 53), '8.0PiB');
  // JSON carries them as numbers a parser reads back unchanged.
  assert.equal(JSON.parse(JSON.stringify({ bytes: 2 ** 64 })).bytes, 2 ** 64);
});

test('the README states the 2^53 bound with this arithmetic', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const days = (2 ** 53 / 10e9 / 86400).toFixed(1); // bytes at 10 GB/s
  const years = (2 ** 53 / 10e6 / (365.25 * 86400)).toFixed(1); // messages at 10 M/s
  assert.equal(days, '10.4');
  assert.equal(years, '28.5');
  assert.ok(readme.includes(`${days} days`), 'README: days to 2^53 bytes');
  assert.ok(readme.includes(`${years} years`), 'README: years to 2^53 messages');
});
