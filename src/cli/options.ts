// Command-line flags: meow parses, this file validates and names them.
import meow from 'meow';
import type { IpcMode } from '../data/model/model.js';
import { isNumeric, SORT_NAMES, sortColumn, type ColumnId } from '../ui/columns.js';
import type { ProbeChoice } from '../data/kernel/probe-choice.js';
import { UserError } from '../data/user-error.js';
import { parseListen, type ListenAddress } from '../export/listen.js';

const help = `
  Usage
    msgtop [options]

  Shows, live, which processes send and receive the most messages through
  sendmsg, recvmsg, sendmmsg, recvmmsg and msgsnd (plus msgrcv, sendto,
  recvfrom and socket read/write), counted exactly in the kernel with eBPF.
  Needs root, or the capabilities README "Privileges" lists. Started
  through sudo, it drops to the user who ran sudo once attached.

  Output
    (none)              the live table (needs a terminal)
    --json              one JSON object per interval on stdout
    --batch             plain text, like top -b: per interval a header line
                        and the ranked table, never an escape code
    --prometheus [ADDR:]PORT
                        serve Prometheus metrics on /metrics: headless, or
                        next to the live table when run in a terminal
                        (127.0.0.1 unless ADDR is given, e.g. 0.0.0.0:9464)

  Record and replay
    --record FILE       also write every interval to FILE (a new file, mode
                        0600; FILE.gz: gzip), with the table, --batch or --json
    --replay FILE       open a recording in the same table (no root needed);
                        with --json or --batch: print it again

  Options
    --interval SECONDS  refresh interval (default 1; 0.1 to 60)
    --iterations N      exit after N intervals (default: run until stopped)
    --pid PID           only this process (repeatable)
    --comm NAME         only processes whose command name contains NAME
    --container ID      only processes of this container (id prefix), or
                        "host": processes outside any container
    --filter TEXT       start with this fuzzy filter (table, --batch)
    --sort COLUMN       rank by this column: msgs (default), send, recv, in,
                        out, err, calls, bytes, sendmsg, recvmsg, sendmmsg,
                        recvmmsg, msgsnd, pid, user or comm
    --totals            cumulative totals instead of rates per second
    --rows N            --batch: at most N rows per interval (default: all)
    --probes MODE       auto | sock | fexit | syscalls (default auto: the
                        socket-layer tracepoints, which do not slow other
                        syscalls; else fexit on the syscalls (BPF trampolines),
                        which slow only their callers; else the syscall
                        tracepoints, which slow every syscall)
    --ipc MODE          auto | always | off: trace msgsnd/msgrcv; auto attaches
                        only while SysV message queues exist (default auto)
    --all-events        record events for every process, not only the one
                        drilled into
    --ringbuf-kb N      event ring buffer size in KiB, a power of two >= 4
                        (default 4096); events that find it full are counted
                        as drops
    --linger SECONDS    an exited process keeps its own row this long, then folds
                        into one row per command name and container (default 60)
    --max-exited N      exited processes kept as their own rows at most; the
                        oldest fold first (default 200)
    --max-procs N       processes counted at once: sizes the kernel maps (default
                        16384; exited processes leave them within 0.1 s); calls
                        of processes past it are counted as map-full
    --keep-root         started through sudo: stay root instead of becoming
                        the user who ran sudo once attached (that user keeps
                        only CAP_BPF, and CAP_PERFMON for --ipc auto)
    --top K             --prometheus: per-process series (pid label) for the
                        K most active processes (default 10; 0 for none)
    --max-series N      --prometheus: cap on traffic series; the rest are
                        counted under comm="other" (default 5000)

  Examples
    sudo msgtop
    sudo msgtop --comm nginx --interval 2
    sudo msgtop --json --iterations 5 --pid 1234
    sudo msgtop --probes syscalls --ipc always
    sudo msgtop --prometheus 9464
    sudo msgtop --batch --iterations 3 --rows 10
    sudo msgtop --record /var/tmp/incident.jsonl.gz
    msgtop --replay incident.jsonl.gz
`;

export interface Options {
  json: boolean;
  batch: boolean;
  /** --record FILE: where to write the recording. */
  record: string | null;
  /** --replay FILE: the recording to open instead of the kernel. */
  replay: string | null;
  /** --sort; null: the default (msgs). */
  sortBy: ColumnId | null;
  totals: boolean;
  /** --batch: rows per interval; null: all. */
  rows: number | null;
  intervalMs: number;
  iterations: number | null;
  pids: number[];
  comm: string | null;
  container: string | null;
  filter: string | null;
  probes: ProbeChoice;
  ipc: IpcMode;
  allEvents: boolean;
  ringbufBytes: number;
  lingerMs: number;
  maxExited: number;
  maxProcs: number;
  keepRoot: boolean;
  prometheus: ListenAddress | null;
  top: number;
  maxSeries: number;
  version: string;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`--${flag} must be one of ${allowed.join(', ')}, not "${value}"`, 2);
}

function number(flag: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UserError(`--${flag} must be a number from ${min} to ${max}`, 2);
  }
  return value;
}

function path(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value === '') throw new UserError(`--${flag} takes a file name`, 2);
  return value;
}

/** Numbers rank largest first; names read A-Z (as the sort keys do). */
export function sortDescending(id: ColumnId): boolean {
  return isNumeric(id);
}

export function parseOptions(argv: string[]): Options {
  const cli = meow(help, {
    importMeta: import.meta,
    argv,
    allowUnknownFlags: false,
    flags: {
      json: { type: 'boolean', default: false },
      batch: { type: 'boolean', default: false },
      record: { type: 'string' },
      replay: { type: 'string' },
      sort: { type: 'string' },
      totals: { type: 'boolean', default: false },
      rows: { type: 'number' },
      interval: { type: 'number' },
      iterations: { type: 'number' },
      pid: { type: 'number', isMultiple: true },
      comm: { type: 'string' },
      container: { type: 'string' },
      filter: { type: 'string' },
      probes: { type: 'string' },
      ipc: { type: 'string' },
      allEvents: { type: 'boolean', default: false },
      ringbufKb: { type: 'number' },
      linger: { type: 'number' },
      maxExited: { type: 'number' },
      maxProcs: { type: 'number' },
      keepRoot: { type: 'boolean', default: false },
      prometheus: { type: 'string' },
      top: { type: 'number' },
      maxSeries: { type: 'number' },
    },
  });
  if (cli.input.length > 0) throw new UserError(`unexpected argument "${cli.input[0]}"; see msgtop --help`, 2);
  const f = cli.flags;
  const ringKb = number('ringbuf-kb', f.ringbufKb, 4, 1 << 20) ?? 4096;
  if ((ringKb & (ringKb - 1)) !== 0) throw new UserError('--ringbuf-kb must be a power of two', 2);
  const iterations = number('iterations', f.iterations, 1, Number.MAX_SAFE_INTEGER);
  for (const pid of f.pid ?? []) number('pid', pid, 1, 2 ** 22);
  const prometheus = f.prometheus === undefined ? null : parseListen(f.prometheus);
  if (f.prometheus !== undefined && prometheus === null) {
    throw new UserError(`--prometheus takes [ADDR:]PORT, e.g. 9464 or 0.0.0.0:9464, not "${f.prometheus}"`, 2);
  }
  if (prometheus && f.json) throw new UserError('--prometheus and --json are separate modes: run two msgtop processes for both', 2);
  if (f.batch && f.json) throw new UserError('--batch and --json are two output formats: choose one', 2);
  if (f.batch && prometheus) throw new UserError('--prometheus and --batch are separate modes: run two msgtop processes for both', 2);
  const record = path('record', f.record);
  const replay = path('replay', f.replay);
  if (replay !== null) {
    if (record !== null) throw new UserError('--replay reads a recording and --record writes one: use one of them', 2);
    if (prometheus) throw new UserError('--prometheus serves the live kernel, not a recording: drop it or --replay', 2);
    // What the kernel side is told does nothing to a recording: say so
    // rather than ignore it.
    const live: [string, unknown][] = [
      ['interval', f.interval],
      ['probes', f.probes],
      ['ipc', f.ipc],
      ['all-events', f.allEvents || undefined],
      ['ringbuf-kb', f.ringbufKb],
      ['linger', f.linger],
      ['max-exited', f.maxExited],
      ['max-procs', f.maxProcs],
    ];
    const given = live.find(([, v]) => v !== undefined);
    if (given) throw new UserError(`--${given[0]} applies to the live kernel, not to --replay (a recording keeps the settings it was made with)`, 2);
  }
  let sortBy: ColumnId | null = null;
  if (f.sort !== undefined) {
    sortBy = sortColumn(f.sort);
    if (sortBy === null) throw new UserError(`--sort takes one of ${SORT_NAMES.join(', ')}, not "${f.sort}"`, 2);
  }
  const rows = number('rows', f.rows, 1, Number.MAX_SAFE_INTEGER);
  if (rows !== undefined && !f.batch) throw new UserError('--rows applies to --batch', 2);
  return {
    json: f.json,
    batch: f.batch,
    record,
    replay,
    sortBy,
    totals: f.totals,
    rows: rows === undefined ? null : Math.floor(rows),
    intervalMs: Math.round((number('interval', f.interval, 0.1, 60) ?? 1) * 1000),
    iterations: iterations === undefined ? null : Math.floor(iterations),
    pids: f.pid ?? [],
    comm: f.comm ?? null,
    container: f.container ?? null,
    filter: f.filter ?? null,
    probes: oneOf('probes', f.probes ?? 'auto', ['auto', 'sock', 'fexit', 'syscalls'] as const),
    ipc: oneOf('ipc', f.ipc ?? 'auto', ['auto', 'always', 'off'] as const),
    allEvents: f.allEvents,
    ringbufBytes: ringKb * 1024,
    lingerMs: (number('linger', f.linger, 0, 86_400) ?? 60) * 1000,
    maxExited: Math.floor(number('max-exited', f.maxExited, 0, 1_000_000) ?? 200),
    maxProcs: Math.floor(number('max-procs', f.maxProcs, 64, 1 << 20) ?? 16384),
    keepRoot: f.keepRoot,
    prometheus,
    top: Math.floor(number('top', f.top, 0, 1000) ?? 10),
    // The other group alone may need 56 series.
    maxSeries: Math.floor(number('max-series', f.maxSeries, 100, 1_000_000) ?? 5000),
    version: cli.pkg.version ?? 'unknown',
  };
}
