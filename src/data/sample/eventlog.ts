// Bounded logs of recent events: one for all processes, one for the watched
// process. Records are copied raw on arrival (events can come at 100k/s) and
// decoded only when a view asks, at most once each.
import type { EventRow } from '../model/model.js';
import { decodeEvent, EVENT_RECORD, eventTgid, LAYOUT, sysName } from '../kernel/records.js';
import { errnoName } from './errno.js';
import { flagsText } from './flags.js';
import { formatPeer } from './peer.js';
import { escapeControl } from '../model/sanitize.js';

export interface EventLogOptions {
  globalMax?: number;
  watchedMax?: number;
  /** epoch ns − CLOCK_MONOTONIC ns; measured once when not given. */
  offsetNs?: bigint;
}

/**
 * Offset from CLOCK_MONOTONIC (event ts_ns; libuv's hrtime reads the same
 * clock) to the epoch, taken once so event times never jump.
 */
export function monoToEpochOffsetNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
}

interface Entry {
  raw: Buffer;
  row: EventRow | null;
}

class Ring {
  private items: Entry[] = [];
  private head = 0;
  constructor(private readonly cap: number) {}

  push(e: Entry): void {
    if (this.items.length < this.cap) this.items.push(e);
    else {
      this.items[this.head] = e;
      this.head = (this.head + 1) % this.cap;
    }
  }

  /** Oldest first. */
  entries(): Entry[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

export class EventLog {
  private readonly global: Ring;
  private readonly watched: Ring;
  private readonly globalMax: number;
  private readonly offsetNs: bigint;
  private watchedPid: number | null = null;
  /** Events since the last takeDelivered(), while --record wants them. */
  private delivered: Ring | null = null;
  private deliveredSeen = 0;

  constructor(opts: EventLogOptions = {}) {
    this.globalMax = opts.globalMax ?? 2000;
    this.global = new Ring(this.globalMax);
    this.watched = new Ring(opts.watchedMax ?? 500);
    this.offsetNs = opts.offsetNs ?? monoToEpochOffsetNs();
  }

  /** A batch of concatenated struct mt_event records. */
  push(buf: Buffer): void {
    if (buf.length % EVENT_RECORD !== 0) {
      throw new RangeError(`events: ${buf.length} bytes is not a multiple of ${EVENT_RECORD}`);
    }
    const n = buf.length / EVENT_RECORD;
    for (let i = 0; i < n; i++) {
      const off = i * EVENT_RECORD;
      // Only the newest globalMax of a big batch can survive in the global log.
      const toGlobal = i >= n - this.globalMax;
      const toWatched = this.watchedPid !== null && eventTgid(buf, off) === this.watchedPid;
      if (!toGlobal && !toWatched) {
        if (this.delivered) this.deliveredSeen++;
        continue;
      }
      if (sysName(buf.readUInt32LE(off + LAYOUT.mt_event.sys)) === null) continue;
      const e: Entry = { raw: Buffer.from(buf.subarray(off, off + EVENT_RECORD)), row: null };
      if (toGlobal) this.global.push(e);
      if (toWatched) this.watched.push(e);
      if (this.delivered) {
        this.deliveredSeen++;
        if (toGlobal) this.delivered.push(e);
      }
    }
  }

  /** Keep a per-process log for pid, seeded from what the global log holds. */
  watch(pid: number | null): void {
    if (pid === this.watchedPid) return;
    this.watchedPid = pid;
    this.watched.clear();
    if (pid === null) return;
    for (const e of this.global.entries()) if (eventTgid(e.raw, 0) === pid) this.watched.push(e);
  }

  /** From now on keep what arrives between takeDelivered() calls (at
   * most the global log's size: the newest). */
  keepDelivered(): void {
    this.delivered ??= new Ring(this.globalMax);
  }

  /** Events that arrived since the last call, newest last, and how many
   * more arrived than are kept. */
  takeDelivered(): { events: EventRow[]; skipped: number } {
    if (!this.delivered) return { events: [], skipped: 0 };
    const events = this.delivered.entries().map((e) => this.row(e));
    const skipped = this.deliveredSeen - events.length;
    this.delivered.clear();
    this.deliveredSeen = 0;
    return { events, skipped };
  }

  /** All processes, newest last. */
  recent(): EventRow[] {
    return this.global.entries().map((e) => this.row(e));
  }

  /** The watched process, newest last. */
  watchedEvents(): EventRow[] {
    return this.watched.entries().map((e) => this.row(e));
  }

  private row(e: Entry): EventRow {
    e.row ??= this.decode(e.raw);
    return e.row;
  }

  private decode(raw: Buffer): EventRow {
    const ev = decodeEvent(raw, 0);
    const syscall = sysName(ev.sys)!; // unknown ids never enter a ring
    return {
      ts: Number(ev.tsNs + this.offsetNs) / 1e6,
      pid: ev.tgid,
      tid: ev.tid,
      comm: escapeControl(ev.comm.toString('utf8')),
      syscall,
      fd: ev.fd,
      ret: ev.ret,
      errno: ev.ret < 0 ? errnoName(-ev.ret) : null,
      flags: ev.flags,
      flagsText: flagsText(syscall, ev.flags),
      ...formatPeer(ev.peer),
      cgroupId: ev.cgroupId.toString(),
    };
  }
}
