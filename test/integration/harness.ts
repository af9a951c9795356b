// Runs the real msgtop (--json) and the workload generator as child
// processes, and ends only the processes it started, by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The kernel guests (test/kernels) point these at the msgtop the release
// tarball installed, a static msggen and the probe modes their kernel has.
/** The program as shipped: the bundle `npm start` runs. */
export const cli = process.env['MSGTOP_CLI'] ?? join(root, 'dist', 'msgtop.mjs');
export const msggen = process.env['MSGTOP_MSGGEN'] ?? join(root, 'test', 'workload', 'msggen');
/** Every probe mode this kernel runs; the first is the one `auto` picks. */
/** Waits stretch by this factor where everything is slower (the kernel
 * guests: TCG on a shared host); what is waited for stays the same. */
export const timeScale = Number(process.env['MSGTOP_TIME_SCALE'] ?? 1);
export const probeModes = (process.env['MSGTOP_PROBES'] ?? 'sock,syscalls').split(',') as ('sock' | 'fexit' | 'syscalls')[];
/** A command printing `bpftool -j prog list`'s ids and names (the guests carry a static one). */
const PROG_LIST = process.env['MSGTOP_PROG_LIST']?.split(' ') ?? ['bpftool', '-j', 'prog', 'list'];

export interface Counts {
  calls: number;
  messages: number;
  bytes: number;
  errors: number;
}

export interface JsonProcess {
  pid: number;
  comm: string;
  cmdline?: string;
  user?: string;
  container: string | null;
  exited: boolean;
  /** Exited processes folded into this row (0: one process). */
  folded: number;
  syscalls: Record<string, Counts>;
  errnos: Record<string, Record<string, number>>;
}

export interface JsonLine {
  ts: number;
  interval_ms: number;
  probes: string;
  probes_reason: string;
  ipc: { mode: string; tracing: boolean; error?: string | null };
  privileges?: { user: string; uid: number; gid: number; dropped: boolean; caps: string[] } | null;
  drops: Record<string, number>;
  maps: Record<'counters' | 'procs' | 'errnos', { used: number; max: number }>;
  events?: { submitted: number; delivered: number };
  processes: JsonProcess[];
}

/** A running `msgtop --json`; lines arrive as parsed objects. */
export class Msgtop {
  readonly child: ChildProcess;
  readonly lines: JsonLine[] = [];
  private waiters: (() => void)[] = [];
  stderr = '';

  /** `wrap`: a command that runs node (setpriv …); `program`: another copy
   * of the bundle; `env`: the environment. */
  constructor(args: string[], opts: { wrap?: string[]; program?: string; env?: NodeJS.ProcessEnv } = {}) {
    const argv = [...(opts.wrap ?? []), process.execPath, opts.program ?? cli, '--json', ...args];
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    createInterface({ input: this.child.stdout! }).on('line', (l) => {
      this.lines.push(JSON.parse(l) as JsonLine);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('exit', () => this.waiters.splice(0).forEach((w) => w()));
  }

  /** Resolves once `n` more lines have arrived after the current ones. */
  async next(n = 1, timeoutMs = 15000 * timeScale): Promise<JsonLine> {
    const want = this.lines.length + n;
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length < want) {
      if (this.child.exitCode !== null) throw new Error(`msgtop exited (${this.child.exitCode}): ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no output from msgtop within ${timeoutMs} ms: ${this.stderr}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
    return this.lines[this.lines.length - 1]!;
  }

  /** SIGINT and wait for a clean exit; returns the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const done = new Promise<number | null>((r) => this.child.on('exit', (code) => r(code)));
    this.child.kill('SIGINT');
    return done;
  }
}

export interface GenResult {
  pid: number;
  elapsed_ns: number;
  cpu_ns: number;
  ops: Record<string, Counts>;
  errnos: Record<string, number>;
  /** Bytes of this result line as written, newline included. */
  outBytes: number;
}

/** Runs msggen (or a copy of it under another name) to completion, pinned to one CPU if `cpu` is given, and returns its result lines (one per worker). */
export function runGen(args: string[], cpu?: number, bin = msggen): GenResult[] {
  const argv = cpu === undefined ? [bin, ...args] : ['taskset', '-c', String(cpu), bin, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`msggen ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => ({ ...(JSON.parse(l) as GenResult), outBytes: Buffer.byteLength(l) + 1 }));
}

/**
 * Starts msggen --wait --hold: `next()` gives its next stdout line ("ready
 * PID", then the result); a stdin line starts the ops, the next one ends it.
 */
export function startGen(args: string[]) {
  const child = spawn(msggen, ['--wait', '--hold', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = (): Promise<string> => new Promise((r) => lines.once('line', r));
  return { child, next };
}

export function findProcess(line: JsonLine, pid: number): JsonProcess {
  const p = line.processes.find((x) => x.pid === pid);
  if (!p) throw new Error(`pid ${pid} not in msgtop output (${line.processes.length} processes)`);
  return p;
}

/**
 * The line from msgtop's second read of the maps after the workload ended.
 * Lines printed while a synchronous workload ran sit in the pipe and arrive
 * late, so lines are chosen by their sample time, not by arrival.
 */
export async function settle(m: Msgtop, endedAt = Date.now()): Promise<JsonLine> {
  for (;;) {
    const after = m.lines.filter((l) => l.ts > endedAt);
    if (after.length >= 2) return after[1]!;
    await m.next();
  }
}

const OUR_PROGS = /^(sock_send|sock_recv|enter_|exit_|fexit_|fold_accs|proc_exit)/;

function loadedProgs(): { id: number; name: string }[] {
  const r = spawnSync(PROG_LIST[0]!, PROG_LIST.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${PROG_LIST.join(' ')} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { id: number; name?: string }[]).map((p) => ({ id: p.id, name: p.name ?? '' }));
}

// A msgtop someone runs outside the tests is not ours to judge.
const before = new Set(loadedProgs().map((p) => p.id));

/** msgtop-named BPF programs loaded since this test file started. */
export function msgtopProgsLoaded(): string[] {
  return loadedProgs()
    .filter((p) => !before.has(p.id) && OUR_PROGS.test(p.name))
    .map((p) => p.name);
}

/** msgtop's programs still loaded, after giving the kernel up to 3 s (× timeScale) to free
 * detached ones (freeing waits for an RCU grace period). */
export async function progsLeft(): Promise<string[]> {
  const deadline = Date.now() + 3000 * timeScale;
  let left = msgtopProgsLoaded();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = msgtopProgsLoaded();
  }
  return left;
}

/** Ids of the BPF programs a process holds, through its program and link
 * fds: what must be gone once it has ended, however other msgtop processes
 * on the machine come and go meanwhile. */
export function progIdsOf(pid: number): number[] {
  const ids = new Set<number>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (!/^anon_inode:bpf[-_](prog|link)$/.test(readlinkSync(`/proc/${pid}/fd/${fd}`))) continue;
      const id = /^prog_id:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (id) ids.add(Number(id[1]));
    } catch {
      // closed meanwhile
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/** Names of the BPF programs a process holds. */
export function progNamesOf(pid: number): string[] {
  const names = new Map(loadedProgs().map((p) => [p.id, p.name]));
  return progIdsOf(pid).map((id) => names.get(id) ?? '');
}

/** Those of `ids` still loaded, after giving the kernel up to 3 s (× timeScale) to free them. */
export async function stillLoaded(ids: readonly number[]): Promise<number[]> {
  const deadline = Date.now() + 3000 * timeScale;
  const left = (): number[] => {
    const loaded = new Set(loadedProgs().map((p) => p.id));
    return ids.filter((id) => loaded.has(id));
  };
  let l = left();
  while (l.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    l = left();
  }
  return l;
}

export function startProcess(cmd: string, args: string[]): ChildProcess {
  return spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((r) => p.on('exit', () => r()));
  p.kill(signal);
  await done;
}

/** A loopback TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The program as shipped, copied where any user can read it (a checkout
 * may be 0700, as `mktemp -d` makes it): for tests that run it as another
 * user. The caller removes `dir`. */
export function readableProgram(): { dir: string; program: string } {
  const dir = mkdtempSync(join(tmpdir(), 'msgtop-shared-'));
  const addon = join(dirname(cli), '..', 'native', 'build', 'Release', 'msgtop.node');
  mkdirSync(join(dir, 'dist'));
  mkdirSync(join(dir, 'native', 'build', 'Release'), { recursive: true });
  const program = join(dir, 'dist', 'msgtop.mjs');
  copyFileSync(cli, program);
  copyFileSync(addon, join(dir, 'native', 'build', 'Release', 'msgtop.node'));
  for (const d of [dir, join(dir, 'dist'), join(dir, 'native'), join(dir, 'native', 'build'), join(dir, 'native', 'build', 'Release')]) chmodSync(d, 0o755);
  return { dir, program };
}
