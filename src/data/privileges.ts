// Who msgtop runs as, and whether it drops root after attaching: started
// through sudo (SUDO_UID/SUDO_GID set, running as root), it becomes the
// user who ran sudo, keeping only the capabilities later attaches need
// (LiveSource.dropPrivileges, the addon's dropPrivileges). --keep-root
// opts out. The header and --json show the outcome (Privileges).
import { readFileSync } from 'node:fs';
import type { IpcMode } from './model/model.js';

/** Capability names by number (<linux/capability.h>, lower case, no CAP_). */
export const CAP_NAMES: readonly string[] = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap',
  'linux_immutable', 'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner',
  'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace', 'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice',
  'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write', 'audit_control', 'setfcap',
  'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
];

/** The user who ran `sudo msgtop`: where files msgtop creates should belong
 * when privileges are dropped (they are, if created after the drop). */
export interface Invoker {
  uid: number;
  gid: number;
  user: string;
}

/** What msgtop does after attaching. */
export interface DropPlan {
  /** Who to become. */
  invoker: Invoker;
  /** Capability names kept (effective and permitted, nothing else). */
  caps: string[];
}

/** Who msgtop runs as, read back from the kernel (/proc/self/status). */
export interface Privileges {
  uid: number;
  gid: number;
  user: string;
  /** Effective capabilities, by name. */
  caps: string[];
  /** Dropped from root to the sudo user after attaching. */
  dropped: boolean;
}

function userName(uid: number, passwd = '/etc/passwd'): string | null {
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && Number(f[2]) === uid && f[2] !== '') return f[0]!;
    }
  } catch {
    // no passwd: numbers only
  }
  return null;
}

const ID = /^\d+$/;

/**
 * The user who ran sudo, when msgtop runs as root through sudo (SUDO_UID and
 * SUDO_GID are set, and name someone other than root); null otherwise: run
 * as root directly, by root through sudo, or as an ordinary user.
 */
export function sudoInvoker(env: NodeJS.ProcessEnv = process.env, uid: number = process.getuid?.() ?? -1): Invoker | null {
  const u = env['SUDO_UID'] ?? '';
  const g = env['SUDO_GID'] ?? '';
  if (uid !== 0 || !ID.test(u) || !ID.test(g) || Number(u) === 0) return null;
  const invokerUid = Number(u);
  return { uid: invokerUid, gid: Number(g), user: userName(invokerUid) ?? env['SUDO_USER'] ?? u };
}

/**
 * Capabilities msgtop needs once attached. CAP_BPF: the kernel maps are
 * read and written through bpf() (some kernels check it on every call when
 * unprivileged BPF is disabled, the default); CAP_PERFMON: --ipc auto
 * attaches msgsnd/msgrcv tracing while queues exist (perf events or BPF
 * links). /proc needs none: what msgtop reads there (stat, status, cmdline,
 * cgroup, task comm) is readable by every user, and the ids of the syscall
 * tracepoints (root-only tracefs) are read before the drop.
 */
export function capsAfterAttach(ipc: IpcMode): string[] {
  return ipc === 'auto' ? ['bpf', 'perfmon'] : ['bpf'];
}

/** The drop that will happen after attaching, or null (no sudo, or --keep-root). */
export function dropPlan(opts: { keepRoot: boolean; ipc: IpcMode }, env: NodeJS.ProcessEnv = process.env, uid?: number): DropPlan | null {
  if (opts.keepRoot) return null;
  const invoker = sudoInvoker(env, uid);
  return invoker && { invoker, caps: capsAfterAttach(opts.ipc) };
}

/** The bit mask the addon takes. */
export function capMask(caps: readonly string[]): bigint {
  let mask = 0n;
  for (const c of caps) {
    const n = CAP_NAMES.indexOf(c);
    if (n < 0) throw new Error(`unknown capability ${c}`);
    mask |= 1n << BigInt(n);
  }
  return mask;
}

/** Capability names of a mask as /proc prints it (hex); numbers past the
 * table as cap_N. */
export function capNames(hex: string): string[] {
  const mask = BigInt(`0x${hex || '0'}`);
  const out: string[] = [];
  for (let n = 0n; mask >> n; n++) if ((mask >> n) & 1n) out.push(CAP_NAMES[Number(n)] ?? `cap_${n}`);
  return out;
}

/** This process as the kernel sees it now (its main thread). */
export function readPrivileges(dropped: boolean, status = '/proc/self/status'): Privileges {
  const text = readFileSync(status, 'utf8');
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1] ?? '';
  const uid = Number(field('Uid').split(/\s+/)[1] ?? -1); // effective
  const gid = Number(field('Gid').split(/\s+/)[1] ?? -1);
  const caps = capNames(field('CapEff'));
  return { uid, gid, user: userName(uid) ?? String(uid), caps, dropped };
}

/** The header's words: "root", or "alice +bpf,perfmon" for an ordinary
 * user with capabilities (dropped from root through sudo, or given them). */
export function privilegesText(p: Privileges): string {
  if (p.uid === 0) return 'root';
  return p.caps.length === 0 ? `${p.user}, no capabilities` : `user ${p.user} +${p.caps.join(',')}`;
}
