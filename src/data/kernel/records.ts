// Decoders for the records in bpf/msgtop.h, the one place that knows their
// byte layout (x86-64, little-endian, natural C alignment). The addon hands
// us whole records, key then value, with per-CPU values already summed.
// test/unit/layout.test.ts compiles the header and checks every number here.

import { SYSCALLS, type Counts, type SyscallName } from '../model/model.js';

export const MT_COMM_LEN = 16;
export const MT_PATH_LEN = 108;
export const MT_ADDR_LEN = 16;
export const MT_SIZE_BUCKETS = 32;
export const MT_FAM_SYSVMSG = 0xfff0;
export const MT_SYS_COUNT = 14;
export const MT_STAT_COUNT = 8;

/** enum mt_stat */
export const MT_STAT = {
  RB_DROPS: 0,
  RB_EVENTS: 1,
  COUNTER_FULL: 2,
  ERRNO_FULL: 3,
  DETAIL_FULL: 4,
  STATE_LOST: 5,
  PROC_FULL: 6,
  EXIT_LOST: 7,
} as const;

/** sizeof and offsetof of every struct and field decoded below. */
export const LAYOUT = {
  mt_key: { size: 16, tgid: 0, sys: 4, start_ns: 8 },
  mt_counts: { size: 32, calls: 0, messages: 8, bytes: 16, errors: 24 },
  mt_proc_key: { size: 16, tgid: 0, start_ns: 8 },
  mt_proc: { size: 32, comm: 0, cgroup_id: 16, uid: 24, flags: 28 },
  mt_exit: { size: 16, tgid: 0, flags: 4, start_ns: 8 },
  mt_errno_key: { size: 16, tgid: 0, sys: 4, err: 6, start_ns: 8 },
  mt_thread_key: { size: 16, tgid: 0, tid: 4, sys: 8 },
  mt_tname_key: { size: 8, tgid: 0, tid: 4 },
  mt_tname: { size: 16, comm: 0 },
  mt_size_key: { size: 8, tgid: 0, dir: 4, bucket: 6 },
  mt_peer: {
    size: 160,
    family: 0,
    protocol: 2,
    type: 4,
    lport: 6,
    rport: 8,
    path_len: 10,
    id: 12,
    laddr: 16,
    raddr: 32,
    path: 48,
  },
  mt_peer_key: { size: 168, tgid: 0, dir: 4, peer: 8 },
  mt_peer_val: { size: 16, messages: 0, bytes: 8 },
  mt_event: {
    size: 232,
    ts_ns: 0,
    cgroup_id: 8,
    start_ns: 16,
    ret: 24,
    tgid: 32,
    tid: 36,
    sys: 40,
    fd: 44,
    flags: 48,
    comm: 56,
    peer: 72,
  },
} as const;

const L = LAYOUT;
/** The plain __u64 value of errno and size records. */
const U64 = 8;

export const COUNTER_RECORD = L.mt_key.size + L.mt_counts.size;
export const PROC_RECORD = L.mt_proc_key.size + L.mt_proc.size;
export const ERRNO_RECORD = L.mt_errno_key.size + U64;
export const THREAD_RECORD = L.mt_thread_key.size + L.mt_counts.size;
export const TNAME_RECORD = L.mt_tname_key.size + L.mt_tname.size;
export const PEER_RECORD = L.mt_peer_key.size + L.mt_peer_val.size;
export const SIZE_RECORD = L.mt_size_key.size + U64;
export const EVENT_RECORD = L.mt_event.size;
export const EXIT_RECORD = L.mt_exit.size;

export interface CounterRec extends Counts {
  tgid: number;
  sys: number;
  /** start_ns in two signed 32-bit halves, small integers both: reading
   * it as a BigInt (or an unsigned half past 2^31, a heap number) would
   * allocate for every record of every sample. startNsOf makes the BigInt. */
  startLo: number;
  startHi: number;
}

/** A counter record's start_ns. */
export function startNsOf(r: Readonly<CounterRec>): bigint {
  return BigInt.asUintN(64, (BigInt(r.startHi) << 32n) | BigInt(r.startLo >>> 0));
}

/** start_ns as CounterRec holds it. */
export function startHalves(startNs: bigint): { lo: number; hi: number } {
  return { lo: Number(BigInt.asIntN(32, startNs)), hi: Number(BigInt.asIntN(32, startNs >> 32n)) };
}
export interface ThreadRec extends Counts {
  tgid: number;
  tid: number;
  sys: number;
}
/** A watched thread's name when the kernel first counted it. */
export interface ThreadNameRec {
  tgid: number;
  tid: number;
  /** Raw bytes up to the first NUL, not yet escaped. */
  comm: Buffer;
}
/** What the kernel saw of a process when first counting it. */
export interface ProcRec {
  tgid: number;
  startNs: bigint;
  /** Raw bytes up to the first NUL, not yet escaped. */
  comm: Buffer;
  cgroupId: bigint;
  uid: number;
}
/** A process whose last thread exited; its final counts are in the same snapshot. */
export interface ExitRec {
  tgid: number;
  startNs: bigint;
}
export interface ErrnoRec {
  tgid: number;
  sys: number;
  err: number;
  startNs: bigint;
  count: number;
}
export interface SizeRec {
  tgid: number;
  dir: number;
  bucket: number;
  count: number;
}
/** struct mt_peer; arrays are copies, path holds only path_len bytes. */
export interface RawPeer {
  family: number;
  protocol: number;
  type: number;
  lport: number;
  rport: number;
  id: number;
  laddr: Buffer;
  raddr: Buffer;
  path: Buffer;
}
export interface PeerRec {
  tgid: number;
  dir: number;
  peer: RawPeer;
  messages: number;
  bytes: number;
}
export interface EventRec {
  tsNs: bigint;
  cgroupId: bigint;
  startNs: bigint;
  ret: number;
  tgid: number;
  tid: number;
  sys: number;
  fd: number;
  flags: number;
  /** Raw bytes up to the first NUL, not yet escaped. */
  comm: Buffer;
  peer: RawPeer;
}

/** The model's name for an enum mt_sys id, or null for an id we don't know. */
export function sysName(id: number): SyscallName | null {
  return SYSCALLS[id] ?? null;
}

/** u64 → number, exact to 2^53; two u32 reads avoid a BigInt per field. */
function u64(b: Buffer, off: number): number {
  const hi = b.readUInt32LE(off + 4);
  // A small count stays a small integer: arithmetic with 2^32 would make it
  // a double, and every count built from it a boxed heap number.
  return hi === 0 ? b.readUInt32LE(off) : b.readUInt32LE(off) + hi * 0x1_0000_0000;
}

/** A partial record means the addon and this file disagree: fail loudly. */
function whole(buf: Buffer, size: number, what: string): void {
  if (buf.length % size !== 0) {
    throw new RangeError(`${what}: ${buf.length} bytes is not a multiple of ${size}`);
  }
}

function records<T>(buf: Buffer, size: number, what: string, one: (off: number) => T): T[] {
  whole(buf, size, what);
  const out: T[] = [];
  for (let off = 0; off < buf.length; off += size) out.push(one(off));
  return out;
}

function counts(b: Buffer, off: number): Counts {
  const c = L.mt_counts;
  return {
    calls: u64(b, off + c.calls),
    messages: u64(b, off + c.messages),
    bytes: u64(b, off + c.bytes),
    errors: u64(b, off + c.errors),
  };
}

function copy(b: Buffer, off: number, len: number): Buffer {
  return Buffer.from(b.subarray(off, off + len));
}

/** A fixed char[] field, up to its first NUL. */
function cstr(b: Buffer, off: number, len: number): Buffer {
  const field = b.subarray(off, off + len);
  const nul = field.indexOf(0);
  return Buffer.from(nul < 0 ? field : field.subarray(0, nul));
}

export function decodePeer(b: Buffer, off: number): RawPeer {
  const p = L.mt_peer;
  const pathLen = Math.min(b.readUInt16LE(off + p.path_len), MT_PATH_LEN);
  return {
    family: b.readUInt16LE(off + p.family),
    protocol: b.readUInt16LE(off + p.protocol),
    type: b.readUInt16LE(off + p.type),
    lport: b.readUInt16LE(off + p.lport),
    rport: b.readUInt16LE(off + p.rport),
    id: b.readUInt32LE(off + p.id),
    laddr: copy(b, off + p.laddr, MT_ADDR_LEN),
    raddr: copy(b, off + p.raddr, MT_ADDR_LEN),
    path: copy(b, off + p.path, pathLen),
  };
}

/**
 * Calls `visit` with each counter record in turn. There is one record per
 * process and syscall in every sample, so one object is reused for all of
 * them: `visit` copies what it keeps.
 */
export function decodeCounters(buf: Buffer, visit: (r: Readonly<CounterRec>) => void): void {
  const k = L.mt_key;
  const c = L.mt_counts;
  whole(buf, COUNTER_RECORD, 'counters');
  // Read as 32-bit words (host order, as the kernel wrote them): the hottest
  // loop of a sample, over two records per live process.
  const w = words(buf);
  const [tgid, sys, lo, hi] = [k.tgid, k.sys, k.start_ns, k.start_ns + 4].map((o) => o / 4) as [number, number, number, number];
  const [calls, messages, bytes, errors] = [c.calls, c.messages, c.bytes, c.errors].map((o) => (k.size + o) / 4) as [number, number, number, number];
  const r: CounterRec = { tgid: 0, sys: 0, startLo: 0, startHi: 0, calls: 0, messages: 0, bytes: 0, errors: 0 };
  for (let at = 0; at < w.length; at += COUNTER_RECORD / 4) {
    r.tgid = w[at + tgid]!;
    r.sys = w[at + sys]!;
    r.startLo = w[at + lo]! | 0;
    r.startHi = w[at + hi]! | 0;
    r.calls = u64w(w, at + calls);
    r.messages = u64w(w, at + messages);
    r.bytes = u64w(w, at + bytes);
    r.errors = u64w(w, at + errors);
    visit(r);
  }
}

/** `buf` as 32-bit words; copied first if it does not start on a word. */
function words(buf: Buffer): Uint32Array {
  const b = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  return new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
}

/** u64 at word `at` (low word first), as u64() does. */
function u64w(w: Uint32Array, at: number): number {
  const hi = w[at + 1]!;
  return hi === 0 ? w[at]! : w[at]! + hi * 0x1_0000_0000;
}

/** The struct mt_proc_key + mt_proc record at byte `off` of `buf`. */
function procAt(buf: Buffer, off: number): ProcRec {
  const k = L.mt_proc_key;
  const v = L.mt_proc;
  return {
    tgid: buf.readUInt32LE(off + k.tgid),
    startNs: buf.readBigUInt64LE(off + k.start_ns),
    comm: cstr(buf, off + k.size + v.comm, MT_COMM_LEN),
    cgroupId: buf.readBigUInt64LE(off + k.size + v.cgroup_id),
    uid: buf.readUInt32LE(off + k.size + v.uid),
  };
}

export function decodeProcs(buf: Buffer): ProcRec[] {
  return records(buf, PROC_RECORD, 'procs', (off) => procAt(buf, off));
}

/** Finds single records in a buffer of procs records without decoding the
 * rest: under churn a snapshot holds tens of thousands, nearly all unused. */
export function procFinder(buf: Buffer): (tgid: number, startNs: bigint) => ProcRec | undefined {
  whole(buf, PROC_RECORD, 'procs');
  const first = new Map<number, number>();
  // Pids that wrapped around within one snapshot: every offset of each.
  const more = new Map<number, number[]>();
  for (let off = 0; off < buf.length; off += PROC_RECORD) {
    const tgid = buf.readUInt32LE(off + L.mt_proc_key.tgid);
    const f = first.get(tgid);
    if (f === undefined) first.set(tgid, off);
    else (more.get(tgid) ?? more.set(tgid, [f]).get(tgid)!).push(off);
  }
  return (tgid, startNs) => {
    const offs = more.get(tgid);
    const off = offs ? offs.find((o) => buf.readBigUInt64LE(o + L.mt_proc_key.start_ns) === startNs) : first.get(tgid);
    return off !== undefined && buf.readBigUInt64LE(off + L.mt_proc_key.start_ns) === startNs ? procAt(buf, off) : undefined;
  };
}

export function decodeExits(buf: Buffer): ExitRec[] {
  const e = L.mt_exit;
  return records(buf, EXIT_RECORD, 'exits', (off) => ({
    tgid: buf.readUInt32LE(off + e.tgid),
    startNs: buf.readBigUInt64LE(off + e.start_ns),
  }));
}

export function decodeThreadNames(buf: Buffer): ThreadNameRec[] {
  const k = L.mt_tname_key;
  return records(buf, TNAME_RECORD, 'thread names', (off) => ({
    tgid: buf.readUInt32LE(off + k.tgid),
    tid: buf.readUInt32LE(off + k.tid),
    comm: cstr(buf, off + k.size + L.mt_tname.comm, MT_COMM_LEN),
  }));
}

export function decodeErrnos(buf: Buffer): ErrnoRec[] {
  const k = L.mt_errno_key;
  return records(buf, ERRNO_RECORD, 'errnos', (off) => ({
    tgid: buf.readUInt32LE(off + k.tgid),
    sys: buf.readUInt16LE(off + k.sys),
    err: buf.readUInt16LE(off + k.err),
    startNs: buf.readBigUInt64LE(off + k.start_ns),
    count: u64(buf, off + k.size),
  }));
}

export function decodeThreads(buf: Buffer): ThreadRec[] {
  const k = L.mt_thread_key;
  return records(buf, THREAD_RECORD, 'threads', (off) => ({
    tgid: buf.readUInt32LE(off + k.tgid),
    tid: buf.readUInt32LE(off + k.tid),
    sys: buf.readUInt32LE(off + k.sys),
    ...counts(buf, off + k.size),
  }));
}

export function decodePeers(buf: Buffer): PeerRec[] {
  const k = L.mt_peer_key;
  const v = L.mt_peer_val;
  return records(buf, PEER_RECORD, 'peers', (off) => ({
    tgid: buf.readUInt32LE(off + k.tgid),
    dir: buf.readUInt32LE(off + k.dir),
    peer: decodePeer(buf, off + k.peer),
    messages: u64(buf, off + k.size + v.messages),
    bytes: u64(buf, off + k.size + v.bytes),
  }));
}

export function decodeSizes(buf: Buffer): SizeRec[] {
  const k = L.mt_size_key;
  return records(buf, SIZE_RECORD, 'sizes', (off) => ({
    tgid: buf.readUInt32LE(off + k.tgid),
    dir: buf.readUInt16LE(off + k.dir),
    bucket: buf.readUInt16LE(off + k.bucket),
    count: u64(buf, off + k.size),
  }));
}

/** One struct mt_event at off. */
export function decodeEvent(buf: Buffer, off: number): EventRec {
  const e = L.mt_event;
  return {
    tsNs: buf.readBigUInt64LE(off + e.ts_ns),
    cgroupId: buf.readBigUInt64LE(off + e.cgroup_id),
    startNs: buf.readBigUInt64LE(off + e.start_ns),
    ret: Number(buf.readBigInt64LE(off + e.ret)),
    tgid: buf.readUInt32LE(off + e.tgid),
    tid: buf.readUInt32LE(off + e.tid),
    sys: buf.readUInt32LE(off + e.sys),
    fd: buf.readInt32LE(off + e.fd),
    flags: buf.readUInt32LE(off + e.flags),
    comm: cstr(buf, off + e.comm, MT_COMM_LEN),
    peer: decodePeer(buf, off + e.peer),
  };
}

export function decodeEvents(buf: Buffer): EventRec[] {
  return records(buf, EVENT_RECORD, 'events', (off) => decodeEvent(buf, off));
}

/** tgid of the event record at off, without decoding the rest. */
export function eventTgid(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off + L.mt_event.tgid);
}
