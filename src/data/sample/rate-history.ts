// A tally's msgs/s and bytes/s of each interval, oldest first: pairs in one
// Float64Array that grows to the length kept, then wraps. Arrays of numbers
// held every value boxed, several KB a process once full; this is 16 bytes
// an interval, and a short-lived process never grows it far.

const FIRST_CAPACITY = 8;

export class RateHistory {
  /** messages, bytes, messages, bytes, …; `start` is the oldest pair. */
  private buf: Float64Array | null = null;
  private start = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Appends an interval, dropping the oldest beyond `max`. */
  push(messages: number, bytes: number, max: number): void {
    const cap = this.buf ? this.buf.length / 2 : 0;
    if (this.count === cap && cap < max) this.grow(Math.min(max, Math.max(FIRST_CAPACITY, cap * 2)));
    const buf = this.buf!;
    const slots = buf.length / 2;
    if (this.count === slots) {
      // Full: the new pair takes the oldest one's place.
      buf[2 * this.start] = messages;
      buf[2 * this.start + 1] = bytes;
      this.start = (this.start + 1) % slots;
      return;
    }
    const at = (this.start + this.count) % slots;
    buf[2 * at] = messages;
    buf[2 * at + 1] = bytes;
    this.count++;
  }

  /** Messages/s of the last `n` intervals (all by default), oldest first. */
  messages(n = this.count): number[] {
    return this.series(0, n);
  }

  bytes(n = this.count): number[] {
    return this.series(1, n);
  }

  /** messages(n), or `prev` itself when it holds the same values. */
  messagesTail(n: number, prev: number[] | undefined): number[] {
    const k = Math.min(n, this.count);
    if (prev && prev.length === k) {
      let same = true;
      for (let i = 0; same && i < k; i++) same = prev[i] === this.value(0, this.count - k + i);
      if (same) return prev;
    }
    return this.series(0, k);
  }

  private value(side: number, i: number): number {
    const buf = this.buf!;
    return buf[2 * ((this.start + i) % (buf.length / 2)) + side]!;
  }

  private series(side: number, n: number): number[] {
    const k = Math.min(n, this.count);
    const out = new Array<number>(k);
    for (let i = 0; i < k; i++) out[i] = this.value(side, this.count - k + i);
    return out;
  }

  private grow(slots: number): void {
    const next = new Float64Array(2 * slots);
    for (let i = 0; i < this.count; i++) {
      next[2 * i] = this.value(0, i);
      next[2 * i + 1] = this.value(1, i);
    }
    this.buf = next;
    this.start = 0;
  }
}
