// Hand-built kernel records for tests. Offsets are written out as literals
// (not taken from LAYOUT) so a decoder bug cannot cancel itself out;
// layout.test.ts ties both to the real header.

export interface PeerSpec {
  family?: number;
  protocol?: number;
  type?: number;
  lport?: number;
  rport?: number;
  id?: number;
  laddr?: number[];
  raddr?: number[];
  path?: Buffer;
}

export function peer(p: PeerSpec): Buffer {
  const b = Buffer.alloc(160);
  b.writeUInt16LE(p.family ?? 0, 0);
  b.writeUInt16LE(p.protocol ?? 0, 2);
  b.writeUInt16LE(p.type ?? 0, 4);
  b.writeUInt16LE(p.lport ?? 0, 6);
  b.writeUInt16LE(p.rport ?? 0, 8);
  b.writeUInt16LE(p.path?.length ?? 0, 10);
  b.writeUInt32LE(p.id ?? 0, 12);
  Buffer.from(p.laddr ?? []).copy(b, 16);
  Buffer.from(p.raddr ?? []).copy(b, 32);
  p.path?.copy(b, 48);
  return b;
}

export interface CountsSpec {
  calls?: number | bigint;
  messages?: number | bigint;
  bytes?: number | bigint;
  errors?: number | bigint;
}

function counts(c: CountsSpec): Buffer {
  const b = Buffer.alloc(32);
  b.writeBigUInt64LE(BigInt(c.calls ?? 0), 0);
  b.writeBigUInt64LE(BigInt(c.messages ?? 0), 8);
  b.writeBigUInt64LE(BigInt(c.bytes ?? 0), 16);
  b.writeBigUInt64LE(BigInt(c.errors ?? 0), 24);
  return b;
}

function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

export function counter(tgid: number, sys: number, startNs: bigint, c: CountsSpec): Buffer {
  const k = Buffer.alloc(16);
  k.writeUInt32LE(tgid, 0);
  k.writeUInt32LE(sys, 4);
  k.writeBigUInt64LE(startNs, 8);
  return Buffer.concat([k, counts(c)]);
}

export function procRec(tgid: number, startNs: bigint, comm: string, cgroupId: bigint, uid: number): Buffer {
  const b = Buffer.alloc(48);
  b.writeUInt32LE(tgid, 0);
  b.writeBigUInt64LE(startNs, 8);
  Buffer.from(comm).subarray(0, 16).copy(b, 16);
  b.writeBigUInt64LE(cgroupId, 32);
  b.writeUInt32LE(uid, 40);
  return b;
}

/** struct mt_exit */
export function exitRec(tgid: number, startNs: bigint, flags = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(tgid, 0);
  b.writeUInt32LE(flags, 4);
  b.writeBigUInt64LE(startNs, 8);
  return b;
}

export function errnoRec(tgid: number, sys: number, err: number, startNs: bigint, count: number): Buffer {
  const k = Buffer.alloc(16);
  k.writeUInt32LE(tgid, 0);
  k.writeUInt16LE(sys, 4);
  k.writeUInt16LE(err, 6);
  k.writeBigUInt64LE(startNs, 8);
  return Buffer.concat([k, u64(count)]);
}

export function threadRec(tgid: number, tid: number, sys: number, c: CountsSpec): Buffer {
  const k = Buffer.alloc(16);
  k.writeUInt32LE(tgid, 0);
  k.writeUInt32LE(tid, 4);
  k.writeUInt32LE(sys, 8);
  return Buffer.concat([k, counts(c)]);
}

export function peerRec(tgid: number, dir: number, p: PeerSpec, messages: number, bytes: number): Buffer {
  const k = Buffer.alloc(8);
  k.writeUInt32LE(tgid, 0);
  k.writeUInt32LE(dir, 4);
  return Buffer.concat([k, peer(p), u64(messages), u64(bytes)]);
}

export function sizeRec(tgid: number, dir: number, bucket: number, count: number): Buffer {
  const k = Buffer.alloc(8);
  k.writeUInt32LE(tgid, 0);
  k.writeUInt16LE(dir, 4);
  k.writeUInt16LE(bucket, 6);
  return Buffer.concat([k, u64(count)]);
}

export interface EventSpec {
  tsNs?: bigint;
  cgroupId?: bigint;
  startNs?: bigint;
  ret?: number;
  tgid?: number;
  tid?: number;
  sys?: number;
  fd?: number;
  flags?: number;
  comm?: string | Buffer;
  peer?: PeerSpec;
}

export function event(e: EventSpec): Buffer {
  const b = Buffer.alloc(72);
  b.writeBigUInt64LE(e.tsNs ?? 0n, 0);
  b.writeBigUInt64LE(e.cgroupId ?? 0n, 8);
  b.writeBigUInt64LE(e.startNs ?? 0n, 16);
  b.writeBigInt64LE(BigInt(e.ret ?? 0), 24);
  b.writeUInt32LE(e.tgid ?? 0, 32);
  b.writeUInt32LE(e.tid ?? 0, 36);
  b.writeUInt32LE(e.sys ?? 0, 40);
  b.writeInt32LE(e.fd ?? -1, 44);
  b.writeUInt32LE(e.flags ?? 0, 48);
  Buffer.from(e.comm ?? '').subarray(0, 16).copy(b, 56);
  return Buffer.concat([b, peer(e.peer ?? {})]);
}
