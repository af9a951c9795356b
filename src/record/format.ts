// The recording format (--record writes it, --replay reads it): a header
// line, then one line per interval in the --json schema with a few more
// fields (src/cli/json.ts, recordLine). A recording is untrusted input:
// every line is checked here, field by field, before anything uses it, and
// a bad one is named by its path ("processes[3].syscalls.sendmsg.bytes").
import { SYSCALLS, type Counts, type EventRow, type Health, type IpcMode, type MapUsage, type ProbeMode, type SyscallName } from '../data/model/model.js';
import type { Privileges } from '../data/privileges.js';

export const FORMAT = 'msgtop-recording';
/** Written by this msgtop. */
export const VERSION = 1;
/** The oldest version this msgtop still reads. */
export const OLDEST_VERSION = 1;

export const DETAIL_NOTE =
  'detail (threads, peers, message sizes) is recorded only for a process opened in the table while recording, ' +
  'and events only as msgtop received them: the opened process\'s, or every process\'s with --all-events or the events view open';

export interface RecordingHeader {
  format: string;
  version: number;
  /** msgtop's version that wrote it. */
  msgtop: string;
  host: string;
  kernel: string;
  probes: ProbeMode;
  probesReason: string;
  ipc: IpcMode;
  /** The refresh interval asked for (lines carry the measured one). */
  intervalMs: number;
  /** Epoch ms when msgtop attached. */
  start: number;
}

export interface RecordedProcess {
  pid: number;
  startTicks: number;
  comm: string;
  cmdline: string;
  user: string;
  container: string | null;
  exited: boolean;
  folded: number;
  syscalls: Partial<Record<SyscallName, Counts>>;
  errnos: { syscall: SyscallName; name: string; total: number }[];
  uid: number;
  cgroup: string;
  exitedAt: number | null;
}

export interface RecordedDetail {
  key: string;
  threads: { tid: number; name: string; syscalls: Partial<Record<SyscallName, Counts>> }[];
  peers: {
    family: string;
    protocol: string;
    local: string;
    remote: string;
    send: { messages: number; bytes: number };
    recv: { messages: number; bytes: number };
  }[];
  sizes: { send: number[]; recv: number[] };
}

/** One recorded interval, checked. */
export interface Frame {
  ts: number;
  intervalMs: number;
  probes: ProbeMode;
  probesReason: string;
  ipc: { mode: IpcMode; tracing: boolean; error: string | null };
  privileges: Privileges | null;
  /** The line's `drops`: Health's counts of what was lost. */
  drops: { ringbuf: number } & Omit<Health, 'ringbufDrops' | 'ringbufEvents' | 'ringbufDelivered'>;
  maps: MapUsage | null;
  events: { submitted: number; delivered: number };
  processes: RecordedProcess[];
  uptimeMs: number | null;
  cost: { bpfNsPerSec: number | null; cpuPercent: number; rssBytes: number; loopStallMs: number; sampleMs: number } | null;
  detail: RecordedDetail | null;
  eventLog: EventRow[];
  eventLogSkipped: number;
}

/** A field that is missing, of the wrong type or out of range. */
export class FormatError extends Error {}

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** The largest pid_max Linux allows. */
const MAX_PID = 4_194_304;
/** Date's range. */
const MAX_TS = 8.64e15;
/** Longer text than this in one field is not something msgtop wrote. */
const MAX_TEXT = 1 << 16;
const MAX_LIST = 10_000_000;

type Json = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v.length > 20 ? `${v.slice(0, 20)}…` : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

// Each check names the field as `path` or `path.key`, a string made only
// when the check fails: a line holds tens of thousands of fields.
const at = (path: string, key?: string): string => (key === undefined ? path : `${path}.${key}`);

function obj(v: unknown, path: string, key?: string): Json {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
  if (v === undefined) throw new FormatError(`"${at(path, key)}" is missing`);
  throw new FormatError(`"${at(path, key)}" is ${describe(v)}, not an object`);
}

function list(v: unknown, path: string, key?: string): unknown[] {
  if (v === undefined) throw new FormatError(`"${at(path, key)}" is missing`);
  if (!Array.isArray(v)) throw new FormatError(`"${at(path, key)}" is ${describe(v)}, not a list`);
  if (v.length > MAX_LIST) throw new FormatError(`"${at(path, key)}" has more than ${MAX_LIST} entries`);
  return v;
}

function num(v: unknown, path: string, key: string | undefined, min: number, max: number, integer = true): number {
  if (typeof v === 'number' && v >= min && v <= max && (integer ? Number.isInteger(v) : Number.isFinite(v))) return v;
  if (v === undefined) throw new FormatError(`"${at(path, key)}" is missing`);
  if (typeof v !== 'number') throw new FormatError(`"${at(path, key)}" is ${describe(v)}, not a number`);
  throw new FormatError(`"${at(path, key)}" is out of range (${v}; ${integer ? 'a whole number ' : ''}from ${min} to ${max})`);
}

const count = (v: unknown, path: string, key?: string): number => num(v, path, key, 0, MAX_COUNT);

function str(v: unknown, path: string, key?: string, max = MAX_TEXT): string {
  if (typeof v === 'string' && v.length <= max) return v;
  if (v === undefined) throw new FormatError(`"${at(path, key)}" is missing`);
  if (typeof v !== 'string') throw new FormatError(`"${at(path, key)}" is ${describe(v)}, not text`);
  throw new FormatError(`"${at(path, key)}" is longer than ${max} characters`);
}

function bool(v: unknown, path: string, key?: string): boolean {
  if (typeof v !== 'boolean') throw new FormatError(`"${at(path, key)}" is ${v === undefined ? 'missing' : describe(v)}, not true or false`);
  return v;
}

/** Who the recording msgtop ran as (absent from recordings before it was shown). */
function privileges(v: unknown, path: string): Privileges | null {
  if (v === undefined || v === null) return null;
  const o = obj(v, path);
  return {
    user: str(o['user'], path, 'user', 256),
    uid: count(o['uid'], path, 'uid'),
    gid: count(o['gid'], path, 'gid'),
    dropped: bool(o['dropped'], path, 'dropped'),
    caps: list(o['caps'], path, 'caps').map((c, i) => str(c, `${path}.caps[${i}]`, undefined, 64)),
  };
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  const s = str(v, path, undefined, 64);
  if (!(allowed as readonly string[]).includes(s)) throw new FormatError(`"${path}" is ${describe(s)}, not one of ${allowed.join(', ')}`);
  return s as T;
}

function syscallName(v: string, path: string, key?: string): SyscallName {
  if (!(SYSCALLS as readonly string[]).includes(v)) throw new FormatError(`"${at(path, key)}" names no syscall msgtop counts (${describe(v)})`);
  return v as SyscallName;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;

function counts(v: unknown, path: string, key?: string): Counts {
  const o = obj(v, path, key);
  const [c, m, b, e] = [o['calls'], o['messages'], o['bytes'], o['errors']];
  if (isCount(c) && isCount(m) && isCount(b) && isCount(e)) return { calls: c, messages: m, bytes: b, errors: e };
  const p = at(path, key);
  return { calls: count(c, p, 'calls'), messages: count(m, p, 'messages'), bytes: count(b, p, 'bytes'), errors: count(e, p, 'errors') };
}

function syscalls(v: unknown, path: string, key?: string): Partial<Record<SyscallName, Counts>> {
  const out: Partial<Record<SyscallName, Counts>> = {};
  const o = obj(v, path, key);
  for (const k in o) {
    const name = syscallName(k, at(path, key), k);
    out[name] = counts(o[k], at(path, key), k);
  }
  return out;
}

const PROBES = ['sock', 'fexit', 'syscalls'] as const;
const IPC = ['auto', 'always', 'off'] as const;

/** The header line (line 1); a wrong format or a version this msgtop
 * cannot read is one sentence. */
export function parseHeader(v: unknown): RecordingHeader {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || (v as Json)['format'] === undefined) {
    throw new FormatError(`this is not a msgtop recording (its first line has no "format": "${FORMAT}")`);
  }
  const o = v as Json;
  const format = str(o['format'], 'format', undefined, 64);
  if (format !== FORMAT) throw new FormatError(`format ${describe(format)} is not a msgtop recording ("${FORMAT}")`);
  const version = num(o['version'], 'version', undefined, 0, MAX_COUNT);
  if (version > VERSION) {
    throw new FormatError(`recording format version ${version} is newer than this msgtop reads (${VERSION}): replay it with a newer msgtop`);
  }
  if (version < OLDEST_VERSION) {
    throw new FormatError(`recording format version ${version} is older than this msgtop reads (${OLDEST_VERSION} to ${VERSION})`);
  }
  return {
    format,
    version,
    msgtop: str(o['msgtop'], 'msgtop', undefined, 64),
    host: str(o['host'], 'host', undefined, 256),
    kernel: str(o['kernel'], 'kernel', undefined, 256),
    probes: oneOf(o['probes'], 'probes', PROBES),
    probesReason: str(o['probes_reason'], 'probes_reason', undefined, 1024),
    ipc: oneOf(o['ipc'], 'ipc', IPC),
    intervalMs: num(o['interval_ms'], 'interval_ms', undefined, 0, 86_400_000),
    start: num(o['start'], 'start', undefined, 0, MAX_TS),
  };
}

function recordedProcess(v: unknown, path: string): RecordedProcess {
  const o = obj(v, path);
  const errnos: RecordedProcess['errnos'] = [];
  for (const [sys, byName] of Object.entries(obj(o['errnos'], path, 'errnos'))) {
    const syscall = syscallName(sys, `${path}.errnos.${sys}`);
    for (const [name, total] of Object.entries(obj(byName, `${path}.errnos.${sys}`))) {
      str(name, `${path}.errnos.${sys}`, undefined, 64);
      errnos.push({ syscall, name, total: count(total, `${path}.errnos.${sys}.${name}`) });
    }
  }
  const exited = bool(o['exited'], path, 'exited');
  return {
    pid: num(o['pid'], path, 'pid', 0, MAX_PID),
    startTicks: count(o['start_ticks'], path, 'start_ticks'),
    comm: str(o['comm'], path, 'comm'),
    cmdline: str(o['cmdline'], path, 'cmdline'),
    user: str(o['user'], path, 'user'),
    container: o['container'] === null ? null : str(o['container'], path, 'container'),
    exited,
    folded: count(o['folded'], path, 'folded'),
    syscalls: syscalls(o['syscalls'], path, 'syscalls'),
    errnos,
    // Fields a recording adds to the --json line.
    uid: o['uid'] === undefined ? -1 : num(o['uid'], path, 'uid', -1, 2 ** 32 - 1),
    cgroup: o['cgroup'] === undefined ? '' : str(o['cgroup'], path, 'cgroup'),
    exitedAt: o['exited_at'] === undefined || o['exited_at'] === null ? null : num(o['exited_at'], path, 'exited_at', 0, MAX_TS, false),
  };
}

function side(v: unknown, path: string): { messages: number; bytes: number } {
  const o = obj(v, path);
  return { messages: count(o['messages'], path, 'messages'), bytes: count(o['bytes'], path, 'bytes') };
}

function detail(v: unknown, path: string): RecordedDetail | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, path);
  const sizes = obj(o['sizes'], path, 'sizes');
  const buckets = (b: unknown, p: string): number[] => {
    const l = list(b, p);
    if (l.length > 64) throw new FormatError(`"${p}" has more than 64 buckets`);
    return l.map((n, i) => count(n, `${p}[${i}]`));
  };
  return {
    key: str(o['key'], path, 'key'),
    threads: list(o['threads'], path, 'threads').map((t, i) => {
      const p = `${path}.threads[${i}]`;
      const to = obj(t, p);
      return { tid: num(to['tid'], p, 'tid', 0, MAX_PID), name: str(to['name'], p, 'name'), syscalls: syscalls(to['syscalls'], p, 'syscalls') };
    }),
    peers: list(o['peers'], path, 'peers').map((x, i) => {
      const p = `${path}.peers[${i}]`;
      const po = obj(x, p);
      return {
        family: str(po['family'], p, 'family'),
        protocol: str(po['protocol'], p, 'protocol'),
        local: str(po['local'], p, 'local'),
        remote: str(po['remote'], p, 'remote'),
        send: side(po['send'], `${p}.send`),
        recv: side(po['recv'], `${p}.recv`),
      };
    }),
    sizes: { send: buckets(sizes['send'], `${path}.sizes.send`), recv: buckets(sizes['recv'], `${path}.sizes.recv`) },
  };
}

function event(v: unknown, path: string): EventRow {
  const o = obj(v, path);
  const syscall = syscallName(str(o['syscall'], path, 'syscall', 64), `${path}.syscall`);
  return {
    ts: num(o['ts'], path, 'ts', 0, MAX_TS, false),
    pid: num(o['pid'], path, 'pid', 0, MAX_PID),
    tid: num(o['tid'], path, 'tid', 0, MAX_PID),
    comm: str(o['comm'], path, 'comm'),
    syscall,
    fd: num(o['fd'], path, 'fd', -1, 2 ** 31 - 1),
    ret: num(o['ret'], path, 'ret', -(2 ** 31), MAX_COUNT),
    errno: o['errno'] === null ? null : str(o['errno'], path, 'errno', 64),
    flags: num(o['flags'], path, 'flags', 0, 2 ** 32 - 1),
    flagsText: str(o['flags_text'], path, 'flags_text'),
    family: str(o['family'], path, 'family'),
    protocol: str(o['protocol'], path, 'protocol'),
    local: str(o['local'], path, 'local'),
    remote: str(o['remote'], path, 'remote'),
    cgroupId: str(o['cgroup_id'], path, 'cgroup_id', 32),
  };
}

function fill(v: unknown, path: string): { used: number; max: number } {
  const o = obj(v, path);
  return { used: count(o['used'], path, 'used'), max: count(o['max'], path, 'max') };
}

/** A row's key, as the live sampler makes it (src/data/sample/proc-table.ts, fold.ts). */
export function processKey(p: Pick<RecordedProcess, 'pid' | 'startTicks' | 'comm' | 'container' | 'folded'>): string {
  return p.folded > 0 ? `exited:${p.comm}\0${p.container ?? ''}` : `${p.pid}:${p.startTicks}`;
}

/** An interval line (line 2 on). */
export function parseFrame(v: unknown): Frame {
  const o = obj(v, 'line');
  const drops = obj(o['drops'], 'drops');
  const ipc = obj(o['ipc'], 'ipc');
  const events = obj(o['events'], 'events');
  const processes = list(o['processes'], 'processes').map((p, i) => recordedProcess(p, `processes[${i}]`));
  const keys = new Set<string>();
  processes.forEach((p, i) => {
    const key = processKey(p);
    if (keys.has(key)) throw new FormatError(`"processes[${i}]" repeats a process listed before it (pid ${p.pid}, start_ticks ${p.startTicks})`);
    keys.add(key);
  });
  const cost = o['cost'] === undefined ? null : obj(o['cost'], 'cost');
  return {
    ts: num(o['ts'], 'ts', undefined, 0, MAX_TS),
    intervalMs: num(o['interval_ms'], 'interval_ms', undefined, 0, 86_400_000),
    probes: oneOf(o['probes'], 'probes', PROBES),
    probesReason: str(o['probes_reason'], 'probes_reason', undefined, 1024),
    ipc: {
      mode: oneOf(ipc['mode'], 'ipc.mode', IPC),
      tracing: bool(ipc['tracing'], 'ipc.tracing'),
      error: ipc['error'] === undefined || ipc['error'] === null ? null : str(ipc['error'], 'ipc.error', undefined, 1024),
    },
    privileges: privileges(o['privileges'], 'privileges'),
    drops: {
      ringbuf: count(drops['ringbuf'], 'drops.ringbuf'),
      counterMapFull: count(drops['counter_map_full'], 'drops.counter_map_full'),
      errnoMapFull: count(drops['errno_map_full'], 'drops.errno_map_full'),
      detailMapFull: count(drops['detail_map_full'], 'drops.detail_map_full'),
      stateLost: count(drops['state_lost'], 'drops.state_lost'),
      procMapFull: count(drops['proc_map_full'], 'drops.proc_map_full'),
      progMissed: count(drops['prog_missed'], 'drops.prog_missed'),
      exitLost: count(drops['exit_lost'], 'drops.exit_lost'),
    },
    maps:
      o['maps'] === null || o['maps'] === undefined
        ? null
        : (() => {
            const m = obj(o['maps'], 'maps');
            return { counters: fill(m['counters'], 'maps.counters'), procs: fill(m['procs'], 'maps.procs'), errnos: fill(m['errnos'], 'maps.errnos') };
          })(),
    events: { submitted: count(events['submitted'], 'events.submitted'), delivered: count(events['delivered'], 'events.delivered') },
    processes,
    // Wall-clock time since attach: negative if the clock was set back meanwhile.
    uptimeMs: o['uptime_ms'] === undefined ? null : num(o['uptime_ms'], 'uptime_ms', undefined, -MAX_COUNT, MAX_COUNT),
    cost: cost && {
      bpfNsPerSec: cost['bpf_ns_per_sec'] === null ? null : num(cost['bpf_ns_per_sec'], 'cost.bpf_ns_per_sec', undefined, 0, 1e15, false),
      cpuPercent: num(cost['cpu_percent'], 'cost.cpu_percent', undefined, 0, 1e6, false),
      rssBytes: count(cost['rss_bytes'], 'cost.rss_bytes'),
      loopStallMs: cost['loop_stall_ms'] === undefined ? 0 : num(cost['loop_stall_ms'], 'cost.loop_stall_ms', undefined, 0, MAX_COUNT),
      sampleMs: cost['sample_ms'] === undefined ? 0 : num(cost['sample_ms'], 'cost.sample_ms', undefined, 0, MAX_COUNT, false),
    },
    detail: detail(o['detail'], 'detail'),
    eventLog: o['event_log'] === undefined ? [] : list(o['event_log'], 'event_log').map((e, i) => event(e, `event_log[${i}]`)),
    eventLogSkipped: o['event_log_skipped'] === undefined ? 0 : count(o['event_log_skipped'], 'event_log_skipped'),
  };
}
