// The live kernel as a Source: wraps the addon, picks the probe mode and
// attaches the msgsnd/msgrcv tracepoints only while SysV queues exist.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { release } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IpcMode, MapUsage, ProbeMode } from '../model/model.js';
import type { RawSnapshot, Source } from './source.js';
import { UserError } from '../user-error.js';
import { checkKernel } from './support.js';
import { chooseProbes, type ProbeChoice } from './probe-choice.js';
import { capMask, readPrivileges, type DropPlan, type Privileges } from '../privileges.js';

export interface LiveOptions {
  probes: ProbeChoice;
  ipc: IpcMode;
  /** Ring buffer size in bytes (power of two, page multiple). */
  ringbufBytes?: number;
  /** Processes counted at once (sizes the counters, procs, errnos maps). */
  maxProcs?: number;
  /** How often auto ipc mode looks at /proc/sysvipc/msg. */
  ipcPollMs?: number;
  /** Where SysV queues are listed (a test can point elsewhere). */
  sysvipcPath?: string;
}

interface NativeEngine {
  attach(): void;
  setIpc(on: boolean): void;
  setEvents(mode: number): void;
  watch(tgid: number, on: boolean): void;
  clearDetail(tgid: number): void;
  forget(tgid: number, startNs: bigint): void;
  mapUsage(): MapUsage;
  /** The maps keyed by process, read at one instant as far as evictions go. */
  readProcessMaps(): { counters: Buffer; procs: Buffer; errnos: Buffer; exited: Buffer };
  readThreads(): Buffer;
  readThreadNames(): Buffer;
  readPeers(): Buffer;
  readSizes(): Buffer;
  readStats(): BigUint64Array;
  progStats(): { runTimeNs: number; runCount: number; missed: number };
  /** Returns whether run-time accounting is on (needs CAP_SYS_ADMIN). */
  setStats(on: boolean): boolean;
  dropPrivileges(uid: number, gid: number, caps: bigint): void;
  startEvents(cb: (buf: Buffer) => void): void;
  stopEvents(): void;
  close(): void;
}

const LOAD_ATTEMPTS = 3;
const NO_RECORDS = Buffer.alloc(0);
/** BPF run-time accounting adds two clock reads to every BPF program run on
 * the machine (the bench measures what that costs), so it is on for a short
 * window once in this many intervals; the sampler scales the last ns per run
 * by the counts. */
const STATS_EVERY = 30;
const STATS_WINDOW_MS = 100;
const MT_EVENTS_WATCHED = 0;
const MT_EVENTS_ALL = 1;

/** The checkout msgtop runs from: this file is somewhere under its dist/. */
function repoRoot(): string {
  const here = fileURLToPath(import.meta.url);
  return here.slice(0, here.lastIndexOf(`${sep}dist${sep}`));
}

interface Addon {
  Engine: new (o: object) => NativeEngine;
  /** "" when fexit programs load and attach on this kernel, else why not. */
  trampolineSupport(): string;
}

function addon(): Addon {
  const require = createRequire(import.meta.url);
  try {
    return require(join(repoRoot(), 'native', 'build', 'Release', 'msgtop.node')) as Addon;
  } catch {
    throw new UserError('the native addon is not built; run: npm run setup');
  }
}

function loadEngine(opts: LiveOptions, mode: ProbeMode, ipcFexit: boolean): NativeEngine {
  const { Engine } = addon();
  // Signals arriving during verification (a profiler, a busy terminal) can
  // make the kernel give up with EAGAIN: that is worth another try.
  for (let attempt = 1; ; attempt++) {
    try {
      return new Engine({ mode, ipc: opts.ipc !== 'off', ipcFexit, ringbufBytes: opts.ringbufBytes, maxProcs: opts.maxProcs });
    } catch (e) {
      const message = (e as Error).message;
      if (attempt < LOAD_ATTEMPTS && message.includes('temporarily unavailable')) continue;
      throw new UserError(message);
    }
  }
}

/** True when /proc/sysvipc/msg lists at least one queue. */
/** The kernel.bpf_stats_enabled sysctl: run times counted for everyone. */
function statsSysctlOn(): boolean {
  try {
    return readFileSync('/proc/sys/kernel/bpf_stats_enabled', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

export function sysvQueuesExist(path = '/proc/sysvipc/msg'): boolean {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').length > 1;
  } catch {
    return false;
  }
}

export class LiveSource implements Source {
  readonly probes: ProbeMode;
  /** Why this mode (see probesReason). */
  readonly probesReason: string;
  private engine!: NativeEngine;
  private readonly ipcMode: IpcMode;
  private ipcSince: number | null = null;
  /** Why the last msgsnd/msgrcv attach failed (auto keeps trying). */
  private ipcError: string | null = null;
  /** Run-time accounting could not be turned on (no CAP_SYS_ADMIN). */
  private statsDenied = false;
  private privileges: Privileges;
  private ipcTimer: NodeJS.Timeout | null = null;
  private watched: number | null = null;
  private snapshots = 0;
  private statsTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: LiveOptions) {
    [this.probes, this.probesReason] = this.open(opts);
    this.ipcMode = opts.ipc;
    this.privileges = readPrivileges(false);
    this.timeRuns(); // a first figure for the first frame
    if (opts.ipc === 'always') this.setIpc(true);
    if (opts.ipc === 'auto') {
      const path = opts.sysvipcPath ?? '/proc/sysvipc/msg';
      const poll = (): void => this.setIpc(sysvQueuesExist(path));
      poll();
      this.ipcTimer = setInterval(poll, opts.ipcPollMs ?? 250);
      this.ipcTimer.unref();
    }
  }

  /** The cheapest mode this kernel runs (chooseProbes). */
  private open(opts: LiveOptions): [ProbeMode, string] {
    checkKernel();
    const { mode, reason } = chooseProbes(opts.probes, addon().trampolineSupport(), (m, ipcFexit) => {
      const engine = loadEngine(opts, m, ipcFexit);
      try {
        engine.attach();
        this.engine = engine;
        return null;
      } catch (e) {
        engine.close();
        return (e as Error).message;
      }
    }, release());
    return [mode, reason];
  }

  private setIpc(on: boolean): void {
    if (on === (this.ipcSince !== null)) return;
    try {
      this.engine.setIpc(on);
    } catch (e) {
      if (this.ipcMode === 'always') throw new UserError((e as Error).message);
      // auto: keep counting sockets and try again at the next poll; the
      // header and JSON say why msgsnd/msgrcv are not counted.
      this.ipcError = (e as Error).message;
      return;
    }
    this.ipcError = null;
    this.ipcSince = on ? Date.now() : null;
  }

  /** Kernel run-time accounting on for STATS_WINDOW_MS. */
  private timeRuns(): void {
    if (this.statsTimer || this.statsDenied) return;
    if (!this.engine.setStats(true)) {
      this.statsDenied = true;
      return;
    }
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      if (!this.closed) this.engine.setStats(false);
    }, STATS_WINDOW_MS);
    this.statsTimer.unref();
  }

  snapshot(): RawSnapshot {
    const e = this.engine;
    const prog = e.progStats();
    this.snapshots++;
    if (this.snapshots % STATS_EVERY === 0) this.timeRuns();
    // Detail maps hold only the watched process: nothing to read otherwise.
    const detail = this.watched !== null;
    return {
      monoNs: process.hrtime.bigint(),
      privileges: this.privileges,
      ...e.readProcessMaps(),
      maps: e.mapUsage(),
      threads: detail ? e.readThreads() : NO_RECORDS,
      threadNames: detail ? e.readThreadNames() : NO_RECORDS,
      peers: detail ? e.readPeers() : NO_RECORDS,
      sizes: detail ? e.readSizes() : NO_RECORDS,
      stats: e.readStats(),
      // Unmeasured when msgtop cannot turn the accounting on and nobody else has.
      prog: { ...prog, timed: !this.statsDenied || statsSysctlOn() },
      probes: this.probes,
      probesReason: this.probesReason,
      ipc: { mode: this.ipcMode, tracing: this.ipcSince !== null, since: this.ipcSince, error: this.ipcError },
    };
  }

  /** After attaching: become the invoking user, keeping `plan.caps`. A
   * failure ends msgtop (a half-dropped process must not go on). */
  dropPrivileges(plan: DropPlan): void {
    if (this.statsTimer) clearTimeout(this.statsTimer);
    this.statsTimer = null;
    this.statsDenied = true; // CAP_SYS_ADMIN is not kept
    try {
      this.engine.dropPrivileges(plan.invoker.uid, plan.invoker.gid, capMask(plan.caps));
    } catch (e) {
      this.close();
      throw new UserError((e as Error).message);
    }
    this.privileges = readPrivileges(true);
  }

  onEvents(cb: (buf: Buffer) => void): void {
    this.engine.startEvents(cb);
  }

  watch(tgid: number | null): void {
    if (this.watched === tgid) return;
    if (this.watched !== null) {
      this.engine.watch(this.watched, false);
      this.engine.clearDetail(this.watched);
    }
    this.watched = tgid;
    if (tgid !== null) this.engine.watch(tgid, true);
  }

  setGlobalEvents(on: boolean): void {
    this.engine.setEvents(on ? MT_EVENTS_ALL : MT_EVENTS_WATCHED);
  }

  forget(tgid: number, startNs: bigint): void {
    this.engine.forget(tgid, startNs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ipcTimer) clearInterval(this.ipcTimer);
    if (this.statsTimer) clearTimeout(this.statsTimer);
    this.engine.close();
  }
}
