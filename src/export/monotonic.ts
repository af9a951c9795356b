// A Prometheus counter must never go down: rate() reads any decrease as a
// restart and counts the whole new value as growth. The Model's sums can
// drop — a row leaves it, a pid label is reused by a younger process — so
// every exposed series goes through this guard.

interface Mark {
  /** Added to the Model's value: what rows that left it had counted. */
  offset: number;
  /** The last value exposed. */
  last: number;
  /** When the series was last exposed (ms), for forgetting. */
  seen: number;
}

export class Monotonic {
  private readonly marks = new Map<string, Mark>();

  /**
   * The value to expose for `key` when the Model says `value`. A drop is
   * taken as counts that left the Model for good: the series holds its level
   * and grows again by what the Model adds from there.
   */
  expose(key: string, value: number, now: number): number {
    const m = this.marks.get(key);
    if (!m) {
      this.marks.set(key, { offset: 0, last: value, seen: now });
      return value;
    }
    let v = m.offset + value;
    if (v < m.last) {
      m.offset += m.last - v;
      v = m.last;
    }
    m.last = v;
    m.seen = now;
    return v;
  }

  /** The series under `prefix` now count a new process: the next value
   * exposed adds to the last one instead of being compared with it. */
  restart(prefix: string): void {
    for (const [k, m] of this.marks) if (k.startsWith(prefix)) m.offset = m.last;
  }

  /** Forgets series not exposed since `before`, whose key starts with `prefix`. */
  forget(prefix: string, before: number): void {
    for (const [k, m] of this.marks) if (m.seen < before && k.startsWith(prefix)) this.marks.delete(k);
  }

  get size(): number {
    return this.marks.size;
  }
}
