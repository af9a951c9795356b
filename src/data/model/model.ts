// The one Model every sink reads (the TUI, --json). The sampler produces
// it from a Source; views never do I/O, they only render a Model.
import type { Privileges } from '../privileges.js';

export const SYSCALLS = [
  'sendmsg',
  'recvmsg',
  'sendmmsg',
  'recvmmsg',
  'msgsnd',
  'msgrcv',
  'sendto',
  'recvfrom',
  'write',
  'read',
  'uring_send',
  'uring_recv',
  'other_send',
  'other_recv',
] as const;
export type SyscallName = (typeof SYSCALLS)[number];

/** The five syscalls msgtop is about; the UI gives each its own column. */
export const SEED_SYSCALLS: readonly SyscallName[] = ['sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'msgsnd'];

/** Even ids send, odd ids receive (mirrors enum mt_sys in bpf/msgtop.h). */
export function isSend(name: SyscallName): boolean {
  return SYSCALLS.indexOf(name) % 2 === 0;
}

export interface Counts {
  calls: number;
  messages: number;
  bytes: number;
  errors: number;
}

/** Cumulative totals since attach, and per-second rates over the last interval. */
export interface Stat {
  total: Counts;
  rate: Counts;
}

export interface ErrnoCount {
  syscall: SyscallName;
  errno: number;
  name: string; // "EAGAIN"
  total: number;
  rate: number;
}

export interface ProcessRow {
  /** `${pid}:${startTicks}`: stable identity across pid reuse. */
  key: string;
  pid: number;
  /** Start time in clock ticks since boot, as /proc/PID/stat field 22. */
  startTicks: number;
  comm: string;
  cmdline: string;
  user: string;
  uid: number;
  /** Container id (short) or null when not in a container. */
  container: string | null;
  /** cgroup v2 path, e.g. "/system.slice/dnsmasq.service". */
  cgroup: string;
  /** When the process was seen gone, in ms of msgtop's monotonic clock (not
   * the wall clock, which can step); null while alive. For a folded row, the
   * newest exit among the processes folded into it. */
  exitedAt: number | null;
  /** 0 for one process. N > 0: this row is N exited processes with this
   * comm and container, folded together after they lingered; pid and
   * startTicks are then 0 and the totals are their sums. */
  folded: number;
  send: Stat;
  recv: Stat;
  syscalls: Partial<Record<SyscallName, Stat>>;
  errnos: ErrnoCount[];
  /** Messages/s (send+recv) of the last few intervals, oldest first (the
   * watched process's Detail carries the long history). */
  history: number[];
}

export interface ThreadRow {
  tid: number;
  name: string;
  syscalls: Partial<Record<SyscallName, Stat>>;
  send: Stat;
  recv: Stat;
}

export interface PeerRow {
  family: string; // "inet", "inet6", "unix", "netlink", "sysv-msg", "?"
  protocol: string; // "tcp", "udp", "stream", "dgram", "route", ...
  local: string; // "127.0.0.1:53", "@abstract", "/run/x.sock", "msqid 3"
  remote: string; // "" when unknown
  send: { messages: number; bytes: number; rate: number };
  recv: { messages: number; bytes: number; rate: number };
}

export interface SizeHistogram {
  /** Bucket i counts messages of size in [2^(i-1), 2^i), bucket 0 is size 0. */
  send: number[];
  recv: number[];
}

export interface EventRow {
  /** Epoch ms. */
  ts: number;
  pid: number;
  tid: number;
  comm: string;
  syscall: SyscallName;
  fd: number; // or msqid for msgsnd/msgrcv; -1 unknown
  /** Bytes (or message count) when >= 0, else -errno. */
  ret: number;
  errno: string | null;
  flags: number;
  flagsText: string; // "MSG_DONTWAIT|MSG_NOSIGNAL"
  family: string;
  protocol: string;
  local: string;
  remote: string;
  cgroupId: string;
}

export interface Detail {
  key: string;
  threads: ThreadRow[];
  peers: PeerRow[];
  sizes: SizeHistogram;
  /** Newest last, bounded. */
  events: EventRow[];
  /** Messages/s and bytes/s per interval, oldest first. */
  history: { messages: number[]; bytes: number[] };
  /** Replay only: the recording holds no threads, peers or sizes for this
   * process (it was not opened while recording); history and events are
   * still rebuilt from the recorded intervals. */
  unrecorded?: boolean;
}

export type ProbeMode = 'sock' | 'fexit' | 'syscalls';
export type IpcMode = 'auto' | 'always' | 'off';

export interface Health {
  /** Events the kernel could not put in the ring buffer (full). */
  ringbufDrops: number;
  /** Events the kernel put in the ring buffer. */
  ringbufEvents: number;
  /** Events that reached msgtop (produced = delivered + dropped). */
  ringbufDelivered: number;
  counterMapFull: number;
  errnoMapFull: number;
  detailMapFull: number;
  stateLost: number;
  /** Processes the kernel could not name (names lost, not counts). */
  procMapFull: number;
  /** Program runs the kernel skipped (already running on that CPU):
   * messages that were not counted. */
  progMissed: number;
  /** Exit notices the kernel could not queue: those processes leave the
   * maps late (when /proc shows them gone), not uncounted. */
  exitLost: number;
}

/** Entries in use and capacity of one kernel map. */
export interface MapFill {
  used: number;
  max: number;
}

/** The maps whose size bounds how many processes are counted at once
 * (exited processes leave them; see --max-procs). */
export interface MapUsage {
  counters: MapFill;
  procs: MapFill;
  errnos: MapFill;
}

export interface Model {
  /** Epoch ms of this sample. */
  ts: number;
  intervalMs: number;
  host: string;
  kernel: string;
  probes: ProbeMode;
  /** Why this mode: "forced by --probes", or what auto found, e.g. "no sock
   * tracepoints on 6.1". */
  probesReason: string;
  /** `error`: why msgsnd/msgrcv tracing could not attach (auto retries). */
  ipc: { mode: IpcMode; tracing: boolean; since: number | null; error?: string | null };
  /** Who msgtop runs as; null from sources that are not the kernel. */
  privileges?: Privileges | null;
  /** ms since msgtop attached, by the monotonic clock. */
  uptimeMs: number;
  health: Health;
  /** null when the source does not report it. */
  maps: MapUsage | null;
  cost: {
    /** CPU time of msgtop's BPF programs per second of wall time, in ns;
     * null when it cannot be measured (no CAP_SYS_ADMIN, e.g. after
     * dropping root). */
    bpfNsPerSec: number | null;
    /** msgtop's own process CPU%, of one core. */
    cpuPercent: number;
    rssBytes: number;
    /** The longest msgtop's event loop was blocked (a sample and its frame,
     * mostly) since the last Model, in ms: keys wait that long. */
    loopStallMs: number;
    /** How long the sampler took to build this Model, ms. */
    sampleMs: number;
    /** How long the table took to draw the last Model, ms (the TUI only). */
    frameMs?: number;
  };
  /** Sums over all processes. */
  send: Stat;
  recv: Stat;
  processes: ProcessRow[];
  /** Present when the user has drilled into a process. */
  detail: Detail | null;
  /** Recent events for all processes (global events pane), newest last. */
  events: EventRow[];
  /** Events that reached msgtop since the previous Model, newest last, at
   * most the global log's size (`skipped`: older ones left out). Set only
   * when the sampler is asked to keep them (--record). */
  delivered?: { events: EventRow[]; skipped: number };
  /** Where --record writes, and why it stopped (null while it works). */
  recording?: RecordingStatus;
  /** Set when the Model comes from a recording (--replay). */
  replay?: ReplayStatus;
}

export interface RecordingStatus {
  path: string;
  error: string | null;
}

export interface ReplayStatus {
  /** 1-based interval shown, of `count`. */
  position: number;
  count: number;
  playing: boolean;
  /** Playback speed: 1, 4 or 16. */
  speed: number;
  /** Something the user should know about the file (it ended early), or null. */
  note: string | null;
}
