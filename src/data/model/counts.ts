// Arithmetic on cumulative kernel counters.
import type { Counts } from './model.js';

export function zero(): Counts {
  return { calls: 0, messages: 0, bytes: 0, errors: 0 };
}

// Every Counts, totals and rates alike, shares one V8 hidden class. Once a
// rate (a fraction) is stored, V8 would keep each field of every Counts in a
// heap box of its own, integer totals too: five allocations per Counts, not
// one, and ten boxes per process in memory. A field that has held a
// non-number is stored as a tagged value instead: integers in place, only
// fractions boxed.
{
  const widen = zero() as unknown as Record<keyof Counts, unknown>;
  for (const k of Object.keys(widen) as (keyof Counts)[]) widen[k] = null;
}

/** One zero for every idle counter in a Model: shared, so never mutated. */
export const ZERO: Readonly<Counts> = Object.freeze(zero());

export function sum(a: Counts, b: Counts): Counts {
  return { calls: a.calls + b.calls, messages: a.messages + b.messages, bytes: a.bytes + b.bytes, errors: a.errors + b.errors };
}

export function sameCounts(a: Counts, b: Counts): boolean {
  return a.calls === b.calls && a.messages === b.messages && a.bytes === b.bytes && a.errors === b.errors;
}

export function addTo(into: Counts, c: Counts): void {
  into.calls += c.calls;
  into.messages += c.messages;
  into.bytes += c.bytes;
  into.errors += c.errors;
}

/**
 * Growth of a cumulative counter since the last read. One that went
 * backwards was deleted and re-created in between, so all of it is new;
 * either way the result is never negative. No growth is the shared ZERO.
 */
export function delta(cur: Counts, prev: Counts | undefined): Counts {
  if (
    !prev ||
    cur.calls < prev.calls ||
    cur.messages < prev.messages ||
    cur.bytes < prev.bytes ||
    cur.errors < prev.errors
  ) {
    return { calls: cur.calls, messages: cur.messages, bytes: cur.bytes, errors: cur.errors };
  }
  if (sameCounts(cur, prev)) return ZERO;
  return {
    calls: cur.calls - prev.calls,
    messages: cur.messages - prev.messages,
    bytes: cur.bytes - prev.bytes,
    errors: cur.errors - prev.errors,
  };
}

/** Same rule for a single counter. */
export function delta1(cur: number, prev: number | undefined): number {
  return prev === undefined || cur < prev ? cur : cur - prev;
}

export function perSec(d: Counts, sec: number): Counts {
  if (sec <= 0 || isZero(d)) return ZERO;
  return { calls: d.calls / sec, messages: d.messages / sec, bytes: d.bytes / sec, errors: d.errors / sec };
}

export function isZero(c: Counts): boolean {
  return c.calls === 0 && c.messages === 0 && c.bytes === 0 && c.errors === 0;
}
