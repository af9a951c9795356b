// Ranking a screenful out of many: the partial order must be exactly the
// full sort, ties included, wherever the window or the selection is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessRow } from '../../src/data/model/model.js';
import { rankRows } from '../../src/ui/rank.js';
import type { ColumnId } from '../../src/ui/columns.js';
import { DEFAULT_STATE, type UiState } from '../../src/ui/state.js';
import { smallest } from '../../src/ui/topk.js';
import { counts, makeProcess, stat } from '../fixtures/synthetic.js';

test('smallest(k) is the first k of a full sort, with ties broken by the comparator', () => {
  const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 13); // many equal values
  const cmp = (a: number, b: number) => values[a]! - values[b]! || b - a; // ties: higher index first
  const full = values.map((_, i) => i).sort(cmp);
  for (const k of [0, 1, 2, 12, 13, 50, 199, 200, 250]) {
    assert.deepEqual(smallest(values.length, k, cmp), full.slice(0, k), `k=${k}`);
  }
  assert.deepEqual(smallest(0, 5, cmp), []);
});

/** 300 processes on few distinct rates and names; some pids reused (same pid, other start). */
function tiedProcesses(): ProcessRow[] {
  return Array.from({ length: 300 }, (_, i) => {
    const msgs = (i * 31) % 5; // 0..4: ~60 processes per value
    const pid = 1000 + (i % 250); // pids 1000..1049 appear twice
    const p = makeProcess(i, 300, {
      pid,
      key: `${pid}:${5000 + i}`,
      comm: ['b', 'a', 'c'][i % 3]!,
      send: stat(counts(msgs)),
      recv: stat(counts(0)),
    });
    return p;
  });
}

/** The documented order: the column, then pid, then key. */
function reference(ps: ProcessRow[], by: ColumnId, desc: boolean): string[] {
  const value = (p: ProcessRow): number | string =>
    by === 'comm' ? p.comm : by === 'pid' ? p.pid : p.send.rate.messages + p.recv.rate.messages;
  const dir = desc ? -1 : 1;
  return [...ps]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const c = typeof va === 'string' ? va.localeCompare(vb as string) : va - (vb as number);
      return dir * c || a.pid - b.pid || a.key.localeCompare(b.key);
    })
    .map((p) => p.key);
}

test('the ranking matches a full sort at every position, window and selection', () => {
  const ps = tiedProcesses();
  for (const [sortBy, sortDesc] of [['msgs', true], ['msgs', false], ['comm', false], ['comm', true], ['pid', false]] as const) {
    const ui: UiState = { ...DEFAULT_STATE, sortBy, sortDesc };
    const want = reference(ps, sortBy, sortDesc);
    const label = `${sortBy} ${sortDesc ? 'desc' : 'asc'}`;
    const r = rankRows(ps, ui, sortBy);
    assert.equal(r.length, want.length);
    assert.deepEqual(r.rows(0, 38).map((x) => x.key), want.slice(0, 38), `${label}: first screen`);
    assert.deepEqual(r.rows(150, 188).map((x) => x.key), want.slice(150, 188), `${label}: scrolled`);
    assert.deepEqual(r.rows(280, 320).map((x) => x.key), want.slice(280), `${label}: past the end`);
    // A fresh ranking answers positions and keys without a window first.
    const fresh = rankRows(ps, ui, sortBy);
    want.forEach((key, i) => {
      assert.equal(fresh.indexOf(key), i, `${label}: indexOf ${key}`);
      assert.equal(fresh.at(i)?.key, key, `${label}: at ${i}`);
    });
    assert.equal(fresh.indexOf('nope'), -1);
    assert.equal(fresh.at(want.length), undefined);
  }
});
