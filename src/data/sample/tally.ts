// What the sampler keeps per row: totals since attach per syscall, this
// interval's growth, errno counts and a short history. A live process and a
// group of folded exited processes are both tallies; rows are built from them.
import type { Counts } from '../model/model.js';
import { sum } from '../model/counts.js';
import type { RateHistory } from './rate-history.js';

export interface ErrnoAcc {
  sys: number;
  err: number;
  total: number;
  /** Growth this interval. */
  delta: number;
}

export interface Tally {
  /** Per enum mt_sys id: totals (replaced, never mutated: rows share them)
   * and this interval's growth. */
  totals: (Counts | undefined)[];
  deltas: (Counts | undefined)[];
  /** By sys << 16 | errno; made at the first failure (most never fail). */
  errnos: Map<number, ErrnoAcc> | null;
  /** Messages/s and bytes/s per interval. */
  history: RateHistory;
}

/** A per-syscall array sized for the usual process, which sends and
 * receives by one syscall each: an empty literal reserves 17 slots. */
export function perSys<T>(): (T | undefined)[] {
  return new Array<T | undefined>(2);
}

/** Adds `inc` to syscall `sys` of `t`: its total and this interval's growth. */
export function addCounts(t: Tally, sys: number, inc: Counts): void {
  const total = t.totals[sys];
  if (!total || inc.calls || inc.messages || inc.bytes || inc.errors) t.totals[sys] = total ? sum(total, inc) : inc;
  const d = t.deltas[sys];
  t.deltas[sys] = d ? sum(d, inc) : inc;
}

/** Adds `n` failures with errno `err` of syscall `sys` to `t`. */
export function addErrno(t: Tally, sys: number, err: number, total: number, delta: number): void {
  const ek = (sys << 16) | err;
  t.errnos ??= new Map();
  let e = t.errnos.get(ek);
  if (!e) {
    e = { sys, err, total: 0, delta: 0 };
    t.errnos.set(ek, e);
  }
  e.total += total;
  e.delta += delta;
}

/** Moves everything `from` counted into `into` (its growth this interval
 * too, so rates add up in the interval a process folds). */
export function mergeInto(into: Tally, from: Tally): void {
  for (let sys = 0; sys < from.totals.length; sys++) {
    const t = from.totals[sys];
    if (!t) continue;
    into.totals[sys] = into.totals[sys] ? sum(into.totals[sys]!, t) : t;
    const d = from.deltas[sys];
    if (d) into.deltas[sys] = into.deltas[sys] ? sum(into.deltas[sys]!, d) : d;
  }
  if (from.errnos) for (const e of from.errnos.values()) addErrno(into, e.sys, e.err, e.total, e.delta);
}

/** Starts a new interval: no growth yet. */
export function newInterval(t: Tally): void {
  t.deltas.fill(undefined);
  if (t.errnos) for (const e of t.errnos.values()) e.delta = 0;
}
