// Who a (pid, start time) is: /proc lookups for processes seen in the
// counters only, cached, so 2,000 active processes cost nothing per interval
// beyond a stat() of the idle ones. A process whose /proc entry is gone or
// belongs to a newer process has exited; it keeps its last known info, or
// what the kernel recorded when it first counted it (name, uid, cgroup id).
import { existsSync, readFileSync } from 'node:fs';
import { CgroupResolver } from './cgroups.js';
import { cgroupV2Path, containerId } from './container.js';
import type { ProcessRow } from '../model/model.js';
import { escapeControl } from '../model/sanitize.js';

/** What /proc (or the kernel) tells about a process: a ProcessRow's identity part. */
export type ProcInfo = Pick<
  ProcessRow,
  'pid' | 'startTicks' | 'comm' | 'cmdline' | 'user' | 'uid' | 'container' | 'cgroup' | 'exitedAt'
>;

export interface RegistryOptions {
  procRoot?: string;
  passwdPath?: string;
  /** How often a live process's comm and start time are re-read. */
  refreshMs?: number;
  /** At most this many of those re-reads a second: with more processes than
   * refreshMs allows for, each is re-read less often instead. */
  refreshPerSec?: number;
  /** Monotonic ms clock (a wall-clock step must not stop refreshes). */
  now?: () => number;
  /** Kernel cgroup id → path, for processes gone from /proc (null: none). */
  cgroups?: CgroupResolver | null;
}

/** Kernel start_boottime (ns) → /proc/PID/stat field 22 (USER_HZ = 100). */
export function startTicks(startNs: bigint): number {
  return Number(startNs / 10_000_000n);
}

/** What the kernel recorded when it first counted the process. */
export interface KernelProc {
  comm: string;
  uid: number;
  /** Its cgroup v2 id then (0: unknown). */
  cgroupId?: bigint;
}

interface Stat {
  comm: string;
  state: string;
  startTicks: number;
}

/** /proc/PID/stat; comm is parenthesised and may itself contain ") ". */
export function parseStat(text: string): Stat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // Field 3 (state) follows ") "; field 22 (start time) is 19 spaces on.
  // Found by scanning, not split(): this runs for every process each refresh.
  let from = close + 2;
  for (let field = 3; field < 22 && from > 0; field++) from = text.indexOf(' ', from) + 1;
  const to = text.indexOf(' ', from);
  const field22 = from > 0 ? text.slice(from, to < 0 ? undefined : to).trim() : '';
  const ticks = field22 === '' ? NaN : Number(field22);
  if (!Number.isFinite(ticks)) return null;
  return { comm: text.slice(open + 1, close), state: text.charAt(close + 2), startTicks: ticks };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // gone (ENOENT/ESRCH) or unreadable: the caller decides
  }
}

function unknown(pid: number, ticks: number): ProcInfo {
  return { pid, startTicks: ticks, comm: '?', cmdline: '', user: '?', uid: -1, container: null, cgroup: '', exitedAt: null };
}

interface Entry {
  info: ProcInfo;
  checkedAt: number;
  /** Periods until the next refresh is due (the first: firstWait). */
  wait: number;
  /** A kernel cgroup id not resolved yet (the resolver said: ask later). */
  cgroupId?: bigint;
}

/** The first refresh's wait, in periods: a fraction in (0, 1] spread by pid.
 * Processes found in the same sample (all of them, at start) would otherwise
 * re-read /proc in one sample every period: with 10,000 processes, a stall
 * of a few hundred ms. */
function firstWait(pid: number): number {
  return 1 - ((pid * 0.6180339887) % 1);
}

interface ThreadName {
  name: string;
  at: number;
}

export class Registry {
  private readonly root: string;
  private readonly passwdPath: string;
  private readonly refreshMs: number;
  private readonly refreshPerSec: number;
  /** Entries held (processes seen and not yet forgotten). */
  private size = 0;
  private readonly now: () => number;
  private readonly cgroups: CgroupResolver | null;
  /** Entries whose kernel cgroup id the resolver could not tell yet. */
  private readonly unplaced = new Set<Entry>();
  /** By pid, then start time: no key string to build per process and sample. */
  private readonly entries = new Map<number, Map<bigint, Entry>>();
  private readonly threads = new Map<string, ThreadName>();
  private users: Map<number, string> | null = null;

  constructor(opts: RegistryOptions = {}) {
    this.root = opts.procRoot ?? '/proc';
    this.passwdPath = opts.passwdPath ?? '/etc/passwd';
    this.refreshMs = opts.refreshMs ?? 5000;
    this.refreshPerSec = opts.refreshPerSec ?? 250;
    this.now = opts.now ?? (() => performance.now());
    this.cgroups = opts.cgroups === undefined ? new CgroupResolver({ now: this.now }) : opts.cgroups;
  }

  /**
   * Info for a process seen in the counters. `active` says its counters
   * moved this interval, so it was alive a moment ago and needs no check.
   * `kernel` names a process already gone from /proc at its first lookup;
   * `gone` says the kernel saw it exit, so /proc has nothing to tell.
   */
  lookup(pid: number, startNs: bigint, active: boolean, kernel?: KernelProc, gone = false): ProcInfo {
    const now = this.now();
    const e = this.entries.get(pid)?.get(startNs);
    if (!e) {
      const entry: Entry = { info: unknown(pid, startTicks(startNs)), checkedAt: now, wait: firstWait(pid) };
      this.size++;
      entry.info = gone ? this.fromKernel(entry, now, kernel) : this.load(entry, now, kernel);
      let byStart = this.entries.get(pid);
      if (!byStart) this.entries.set(pid, (byStart = new Map()));
      byStart.set(startNs, entry);
      return entry.info;
    }
    if (e.info.exitedAt !== null || pid === 0) return e.info;
    if (now - e.checkedAt >= this.period() * e.wait) {
      e.checkedAt = now;
      e.wait = 1;
      this.refresh(e.info, now);
    } else if (!active && !existsSync(`${this.root}/${pid}`)) {
      e.info.exitedAt = now;
    }
    return e.info;
  }

  /** How long a live process goes between refreshes: refreshMs, or longer
   * when that would take more than refreshPerSec re-reads a second (each
   * costs tens of µs: 10,000 processes every 5 s would be 5 % of a core;
   * at 250 a second, each is re-read every 40 s). */
  private period(): number {
    return Math.max(this.refreshMs, (this.size / this.refreshPerSec) * 1000);
  }

  /** Info for a process the kernel saw exit before it was ever looked up:
   * what the kernel recorded; nothing is kept (a cgroup the resolver cannot
   * tell yet stays unknown). */
  exited(pid: number, startNs: bigint, kernel?: KernelProc): ProcInfo {
    const e: Entry = { info: unknown(pid, startTicks(startNs)), checkedAt: 0, wait: 1 };
    const info = this.fromKernel(e, this.now(), kernel);
    this.unplaced.delete(e);
    return info;
  }

  /**
   * Asks again for the cgroups the resolver could not tell at first lookup
   * (once per sample: a process's info is updated in place, and its row
   * follows).
   */
  placePending(): void {
    for (const e of this.unplaced) this.placeIn(e, e.cgroupId!);
  }

  /** Mark exited without asking /proc (e.g. a newer process has its pid). */
  markExited(pid: number, startNs: bigint): void {
    const e = this.entries.get(pid)?.get(startNs);
    if (e && e.info.exitedAt === null) e.info.exitedAt = this.now();
  }

  forget(pid: number, startNs: bigint): void {
    const byStart = this.entries.get(pid);
    const e = byStart?.get(startNs);
    if (!e) return;
    this.unplaced.delete(e);
    this.size--;
    byStart!.delete(startNs);
    if (byStart!.size === 0) this.entries.delete(pid);
  }

  /** Name of one thread (re-read every refreshMs); "" once it is gone. */
  threadName(pid: number, tid: number): string {
    const key = `${pid}/${tid}`;
    const now = this.now();
    const cached = this.threads.get(key);
    if (cached && now - cached.at < this.refreshMs) return cached.name;
    const raw = this.read(`${pid}/task/${tid}/comm`);
    const name = raw === null ? (cached?.name ?? '') : escapeControl(raw.replace(/\n$/, ''));
    this.threads.set(key, { name, at: now });
    return name;
  }

  /** Drop cached thread names (when the watched process changes). */
  clearThreads(): void {
    this.threads.clear();
  }

  private read(rel: string): string | null {
    return readText(`${this.root}/${rel}`);
  }

  private stat(pid: number, ticks: number): Stat | null {
    const text = this.read(`${pid}/stat`);
    const st = text === null ? null : parseStat(text);
    // Gone, reused by a newer process, or a zombie: exited either way.
    if (!st || st.startTicks !== ticks || st.state === 'Z' || st.state === 'X') return null;
    return st;
  }

  /** An exited process: what the kernel recorded, if anything. */
  private fromKernel(e: Entry, now: number, kernel?: KernelProc): ProcInfo {
    const info: ProcInfo = { ...unknown(e.info.pid, e.info.startTicks), exitedAt: now };
    if (!kernel) return info;
    Object.assign(info, { comm: escapeControl(kernel.comm), uid: kernel.uid, user: this.userName(kernel.uid) });
    e.info = info;
    if (kernel.cgroupId) this.placeIn(e, kernel.cgroupId);
    return info;
  }

  /** The cgroup (and container) of a kernel cgroup id; kept pending while
   * the resolver cannot tell yet. */
  private placeIn(e: Entry, id: bigint): void {
    const path = this.cgroups ? this.cgroups.resolve(id) : null;
    if (path === undefined) {
      e.cgroupId = id;
      this.unplaced.add(e);
      return;
    }
    delete e.cgroupId;
    this.unplaced.delete(e);
    if (path === null) return;
    e.info.cgroup = escapeControl(path);
    e.info.container = containerId(e.info.cgroup);
  }

  private load(e: Entry, now: number, kernel?: KernelProc): ProcInfo {
    const { pid, startTicks: ticks } = e.info;
    const info = e.info;
    if (pid === 0) return { ...info, comm: '[kernel]', user: this.userName(0), uid: 0 };
    const st = this.stat(pid, ticks);
    if (!st) return this.fromKernel(e, now, kernel);
    info.comm = escapeControl(st.comm);
    info.cmdline = this.cmdline(pid);
    const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(this.read(`${pid}/status`) ?? '');
    if (uid) {
      info.uid = Number(uid[1]);
      info.user = this.userName(info.uid);
    }
    const cgroup = this.read(`${pid}/cgroup`);
    if (cgroup !== null) {
      info.cgroup = escapeControl(cgroupV2Path(cgroup));
      info.container = containerId(info.cgroup);
    } else if (kernel?.cgroupId) {
      this.placeIn(e, kernel.cgroupId);
    }
    // Re-check: the pid may have been reused while we read the other files.
    if (this.stat(pid, ticks)) return info;
    info.exitedAt = now;
    return info;
  }

  private refresh(info: ProcInfo, now: number): void {
    const st = this.stat(info.pid, info.startTicks);
    if (!st) {
      info.exitedAt = now;
      return;
    }
    const comm = escapeControl(st.comm);
    // exec changes comm; only then can cmdline have changed too.
    if (comm !== info.comm) {
      info.comm = comm;
      info.cmdline = this.cmdline(info.pid);
    }
  }

  private cmdline(pid: number): string {
    const raw = this.read(`${pid}/cmdline`) ?? '';
    return escapeControl(raw.replace(/\0+$/, '').replaceAll('\0', ' '));
  }

  private userName(uid: number): string {
    if (!this.users) {
      this.users = new Map();
      for (const line of (readText(this.passwdPath) ?? '').split('\n')) {
        const f = line.split(':');
        if (f.length >= 3 && !this.users.has(Number(f[2]))) this.users.set(Number(f[2]), escapeControl(f[0]!));
      }
    }
    return this.users.get(uid) ?? String(uid);
  }
}
