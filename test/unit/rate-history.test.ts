// A tally's per-interval rates: the newest `max` kept, oldest first, across
// growth and wrap-around, and the row's tail reused while it is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateHistory } from '../../src/data/sample/rate-history.js';

test('keeps the newest max intervals, oldest first, through growth and wrap-around', () => {
  const h = new RateHistory();
  const max = 20; // grows 8 → 16 → 20, then wraps
  const want: number[] = [];
  for (let i = 1; i <= 47; i++) {
    h.push(i + 0.25, 100 * i, max);
    want.push(i + 0.25);
    if (want.length > max) want.shift();
    assert.deepEqual(h.messages(), want, `after ${i}`);
    assert.deepEqual(
      h.bytes(),
      want.map((m) => 100 * (m - 0.25)),
    );
    assert.equal(h.length, want.length);
  }
  assert.deepEqual(h.messages(3), [45.25, 46.25, 47.25]);
  assert.deepEqual(h.bytes(100), h.bytes(), 'asking for more than it holds gives all');
});

test('a max below the first capacity still keeps only max', () => {
  const h = new RateHistory();
  for (let i = 0; i < 5; i++) h.push(i, i, 3);
  assert.deepEqual(h.messages(), [2, 3, 4]);
});

test('messagesTail returns the last array itself while its values stand, a new one when they move', () => {
  const h = new RateHistory();
  for (let i = 0; i < 12; i++) h.push(2, 0, 120);
  const a = h.messagesTail(10, undefined);
  assert.deepEqual(a, Array(10).fill(2));
  h.push(2, 0, 120);
  assert.equal(h.messagesTail(10, a), a, 'same values: same array (the row is reused)');
  h.push(3, 0, 120);
  const b = h.messagesTail(10, a);
  assert.notEqual(b, a);
  assert.deepEqual(b, [...Array(9).fill(2), 3]);
  const short = new RateHistory();
  short.push(1, 0, 120);
  assert.deepEqual(short.messagesTail(10, undefined), [1], 'fewer intervals than the tail: all of them');
});
