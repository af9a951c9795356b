// The drill-down for one watched process: threads, peers and message sizes
// from the kernel's detail maps (which hold only the watched tgid), plus its
// events. Totals are the kernel's (counted since the watch began); rates
// come from the change since the previous read.
import { isSend, type Counts, type Detail, type PeerRow, type Stat, type ThreadRow } from '../model/model.js';
import { addTo, delta, delta1, perSec, zero } from '../model/counts.js';
import type { EventLog } from './eventlog.js';
import { formatPeer } from './peer.js';
import { decodePeers, decodeSizes, decodeThreadNames, decodeThreads, MT_SIZE_BUCKETS, sysName } from '../kernel/records.js';
import { escapeControl } from '../model/sanitize.js';
import type { Registry } from '../proc/registry.js';
import type { RawSnapshot } from '../kernel/source.js';

interface Side {
  messages: number;
  bytes: number;
}

function stat(total: Counts, d: Counts, sec: number): Stat {
  return { total, rate: perSec(d, sec) };
}

export class DetailTracker {
  private key: string | null = null;
  private pid = 0;
  private threadPrev = new Map<string, Counts>();
  private peerPrev = new Map<string, number>();

  constructor(
    private readonly registry: Registry,
    private readonly events: EventLog,
  ) {}

  get watchedKey(): string | null {
    return this.key;
  }

  /** Start (or stop, with null) following one process; rates start afresh. */
  watch(key: string | null, pid: number): void {
    this.key = key;
    this.pid = pid;
    this.threadPrev = new Map();
    this.peerPrev = new Map();
    this.registry.clearThreads();
  }

  build(snap: RawSnapshot, sec: number, history: Detail['history']): Detail | null {
    if (this.key === null) return null;
    return {
      key: this.key,
      threads: this.threads(snap, sec),
      peers: this.peers(snap.peers, sec),
      sizes: this.sizes(snap.sizes),
      events: this.events.watchedEvents(),
      history,
    };
  }

  private threads(snap: RawSnapshot, sec: number): ThreadRow[] {
    const buf = snap.threads;
    const next = new Map<string, Counts>();
    // Per tid: syscalls, and [send, recv] totals and deltas.
    const acc = new Map<number, { syscalls: ThreadRow['syscalls']; total: Counts[]; d: Counts[] }>();
    for (const r of decodeThreads(buf)) {
      const name = sysName(r.sys);
      if (r.tgid !== this.pid || name === null) continue;
      const k = `${r.tid}:${r.sys}`;
      const d = delta(r, this.threadPrev.get(k));
      next.set(k, r);
      let a = acc.get(r.tid);
      if (!a) {
        a = { syscalls: {}, total: [zero(), zero()], d: [zero(), zero()] };
        acc.set(r.tid, a);
      }
      const total = { calls: r.calls, messages: r.messages, bytes: r.bytes, errors: r.errors };
      a.syscalls[name] = stat(total, d, sec);
      const i = isSend(name) ? 0 : 1;
      addTo(a.total[i]!, total);
      addTo(a.d[i]!, d);
    }
    this.threadPrev = next;
    const kernelNames = this.kernelThreadNames(snap.threadNames);
    return [...acc]
      .sort(([a], [b]) => a - b)
      .map(([tid, a]) => ({
        tid,
        // /proc first (names change); the kernel's for threads already gone.
        name: this.registry.threadName(this.pid, tid) || kernelNames.get(tid) || '',
        syscalls: a.syscalls,
        send: stat(a.total[0]!, a.d[0]!, sec),
        recv: stat(a.total[1]!, a.d[1]!, sec),
      }));
  }

  private kernelThreadNames(buf: Buffer | undefined): Map<number, string> {
    const names = new Map<number, string>();
    for (const r of decodeThreadNames(buf ?? Buffer.alloc(0))) {
      if (r.tgid === this.pid) names.set(r.tid, escapeControl(r.comm.toString('utf8')));
    }
    return names;
  }

  private peers(buf: Buffer, sec: number): PeerRow[] {
    // Two raw peers can print the same (e.g. a truncated path): sum them.
    const byText = new Map<string, { text: ReturnType<typeof formatPeer>; send: Side; recv: Side }>();
    for (const r of decodePeers(buf)) {
      if (r.tgid !== this.pid) continue;
      const text = formatPeer(r.peer);
      const k = `${text.family}\0${text.protocol}\0${text.local}\0${text.remote}`;
      let e = byText.get(k);
      if (!e) {
        e = { text, send: { messages: 0, bytes: 0 }, recv: { messages: 0, bytes: 0 } };
        byText.set(k, e);
      }
      const side = r.dir === 0 ? e.send : e.recv;
      side.messages += r.messages;
      side.bytes += r.bytes;
    }
    const next = new Map<string, number>();
    const side = (k: string, s: Side) => {
      next.set(k, s.messages);
      const d = delta1(s.messages, this.peerPrev.get(k));
      return { messages: s.messages, bytes: s.bytes, rate: sec > 0 ? d / sec : 0 };
    };
    const rows = [...byText].map(([k, e]) => ({ ...e.text, send: side(`${k}\0s`, e.send), recv: side(`${k}\0r`, e.recv) }));
    this.peerPrev = next;
    return rows.sort((a, b) => b.send.messages + b.recv.messages - (a.send.messages + a.recv.messages));
  }

  private sizes(buf: Buffer): Detail['sizes'] {
    const send = new Array<number>(MT_SIZE_BUCKETS).fill(0);
    const recv = new Array<number>(MT_SIZE_BUCKETS).fill(0);
    for (const r of decodeSizes(buf)) {
      if (r.tgid !== this.pid || r.bucket >= MT_SIZE_BUCKETS) continue;
      (r.dir === 0 ? send : recv)[r.bucket]! += r.count;
    }
    return { send, recv };
  }
}
