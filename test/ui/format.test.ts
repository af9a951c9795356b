import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketLabel, fmtBytes, fmtCount, fmtDuration, fmtInterval, COUNT_WIDTH, BYTES_WIDTH } from '../../src/ui/format.js';
import { blockChart, sparkline } from '../../src/ui/sparkline.js';

test('fmtCount is human and bounded', () => {
  assert.equal(fmtCount(0), '0');
  assert.equal(fmtCount(0.5), '0.5');
  assert.equal(fmtCount(999), '999');
  assert.equal(fmtCount(1234), '1.2k');
  assert.equal(fmtCount(34_567), '34.6k');
  assert.equal(fmtCount(345_678), '346k');
  assert.equal(fmtCount(3_400_000), '3.4M');
  assert.equal(fmtCount(-1), '-');
  assert.equal(fmtCount(Number.NaN), '-');
  for (let n = 0.01; n < 1e18; n *= 1.37) assert.ok(fmtCount(n).length <= COUNT_WIDTH, String(n));
});

test('fmtBytes uses binary units and is bounded', () => {
  assert.equal(fmtBytes(0), '0B');
  assert.equal(fmtBytes(1023), '1023B');
  assert.equal(fmtBytes(3.4 * 1024 * 1024), '3.4MiB');
  assert.equal(fmtBytes(1536), '1.5KiB');
  for (let n = 1; n < 1e18; n *= 1.37) assert.ok(fmtBytes(n).length <= BYTES_WIDTH, String(n));
});

test('durations and intervals', () => {
  assert.equal(fmtDuration(42_000), '42s');
  assert.equal(fmtDuration(185_000), '3m05s');
  assert.equal(fmtDuration(3_720_000), '1h02m');
  assert.equal(fmtInterval(500), '0.5s');
  assert.equal(fmtInterval(2000), '2s');
});

test('log2 bucket labels', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map(bucketLabel), ['0', '1', '2-3', '4-7', '8-15']);
  assert.equal(bucketLabel(10), '512-1023');
  assert.equal(bucketLabel(11), '1K-2K');
  assert.equal(bucketLabel(21), '1M-2M');
});

test('sparkline scales to its max and keeps width', () => {
  const s = sparkline([0, 1, 2, 4, 8], 8);
  assert.equal(s.length, 8);
  assert.equal(s.at(-1), '█');
  assert.equal(s.slice(0, 4), '    ', 'padding and idle samples are blank');
  assert.equal(sparkline([], 4), '    ');
});

test('blockChart has height lines of width columns, tallest is full', () => {
  const lines = blockChart([1, 2, 4], 5, 3);
  assert.equal(lines.length, 3);
  for (const l of lines) assert.equal([...l].length, 5);
  assert.deepEqual(lines.map((l) => l.at(-1)), ['█', '█', '█']);
  assert.equal(lines[2]?.at(0), ' ', 'left padding when history is short');
  assert.equal(lines[2]?.at(2), '▆', 'partial block for the smallest value');
});
