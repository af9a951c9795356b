// Shared helpers for the benchmark: child processes the bench started (and
// only those, ended by PID), small statistics, /proc readings, bpftool.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// dist/bench/lib.js → repository root
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliJs = join(root, 'dist', 'msgtop.mjs');
/** Node flags from the bundle's `#!` line: the TUI is measured as it runs itself. */
export const nodeFlags = readFileSync(cliJs, 'utf8').slice(0, 200).split('\n')[0]!.split(/\s+/).filter((w) => w.startsWith('--'));
export const msggen = join(root, 'test', 'workload', 'msggen');
export const floorBin = join(root, 'bench', '.output', 'floor');
export const floorObj = join(root, 'bench', '.output', 'floor.bpf.o');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Repository-relative path for printing command lines. */
export function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

// ---- child processes ---------------------------------------------------

const started = new Set<ChildProcess>();
/** Every pid the bench started, for the "nothing left attached" check. */
export const startedPids = new Set<number>();

export function track(c: ChildProcess): ChildProcess {
  if (c.pid) startedPids.add(c.pid);
  started.add(c);
  c.on('exit', () => started.delete(c));
  return c;
}

export function start(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  return track(spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts }));
}

export function alive(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}

/** Sends `signal` to the child's PID and waits (then SIGKILL after `graceMs`). */
export async function stop(c: ChildProcess, signal: NodeJS.Signals = 'SIGINT', graceMs = 10_000): Promise<void> {
  if (!alive(c)) return;
  const done = new Promise<void>((r) => c.once('exit', () => r()));
  process.kill(c.pid!, signal);
  const t = setTimeout(() => alive(c) && process.kill(c.pid!, 'SIGKILL'), graceMs);
  await done;
  clearTimeout(t);
}

/** Ends everything still running, by PID (on exit or Ctrl-C of the bench). */
export function killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const c of started) {
    if (alive(c) && c.pid) {
      try {
        process.kill(c.pid, signal);
      } catch {
        /* already gone */
      }
    }
  }
}

/** Resolves with the first stdout line matching `re` (rejects on exit/timeout). */
export function waitLine(c: ChildProcess, re: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let err = '';
    const rl = createInterface({ input: c.stdout! });
    const onErr = (d: Buffer) => (err += d.toString());
    c.stderr?.on('data', onErr);
    const done = (f: () => void) => {
      clearTimeout(t);
      rl.off('line', onLine);
      c.off('exit', onExit);
      c.stderr?.off('data', onErr);
      rl.close();
      f();
    };
    const onLine = (l: string) => re.test(l) && done(() => resolve(l));
    const onExit = (code: number | null) => done(() => reject(new Error(`exited (${code}) before "${re.source}": ${err.trim()}`)));
    const t = setTimeout(() => done(() => reject(new Error(`no "${re.source}" within ${timeoutMs} ms: ${err.trim()}`))), timeoutMs);
    rl.on('line', onLine);
    c.on('exit', onExit);
  });
}

/** Collects all stdout into lines, and stderr into a string. */
export function collect(c: ChildProcess): { lines: string[]; stderr: () => string } {
  const lines: string[] = [];
  let err = '';
  createInterface({ input: c.stdout! }).on('line', (l) => lines.push(l));
  c.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { lines, stderr: () => err };
}

/** A child's stdout written to a file, read here a line at a time. A pipe
 * would make the child's writes wait whenever this process, busy or starved
 * under the load it measures, is slow to read: the child's stalls would be
 * the bench's own. */
export class OutputFile {
  readonly fd: number;
  private readonly dir = mkdtempSync(join(tmpdir(), 'msgtop-bench-'));
  private readonly path = join(this.dir, 'stdout');
  private pos = 0;
  private partial = '';
  /** Keeps a character cut at a read's end for the next read. */
  private readonly utf8 = new StringDecoder('utf8');

  constructor() {
    this.fd = openSync(this.path, 'w');
  }

  /** Lines completed since the last call. */
  lines(): string[] {
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      let text = this.partial;
      for (let n; (n = readSync(fd, buf, 0, buf.length, this.pos)) > 0; this.pos += n) text += this.utf8.write(buf.subarray(0, n));
      const lines = text.split('\n');
      this.partial = lines.pop()!;
      return lines;
    } finally {
      closeSync(fd);
    }
  }

  remove(): void {
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Exit code once the process has exited and its stdio streams are drained. */
export function closed(c: ChildProcess): Promise<number | null> {
  if (!alive(c) && c.stdout?.readableEnded !== false) return Promise.resolve(c.exitCode);
  return new Promise((r) => c.once('close', (code) => r(code)));
}

export function exited(c: ChildProcess): Promise<number | null> {
  if (!alive(c)) return Promise.resolve(c.exitCode);
  return new Promise((r) => c.once('exit', (code) => r(code)));
}

// ---- msggen -------------------------------------------------------------

export interface GenCounts {
  calls: number;
  messages: number;
  bytes: number;
  errors: number;
}
export interface GenResult {
  pid: number;
  elapsed_ns: number;
  /** CPU time of the worker's threads over the ops: waits for a CPU excluded. */
  cpu_ns: number;
  ops: Record<string, GenCounts>;
}

/** Runs msggen to completion; rejects unless it exits 0. */
export async function runGen(args: string[]): Promise<GenResult[]> {
  const c = start(msggen, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(c);
  const code = await closed(c);
  if (code !== 0) throw new Error(`msggen ${args.join(' ')} failed (${code ?? c.signalCode}): ${out.stderr()}`);
  return parseGen(out.lines);
}

/** Worker processes a msggen command line makes. */
export function procsOf(args: string[]): number {
  const i = args.indexOf('--procs');
  return i >= 0 ? Number(args[i + 1]) : 1;
}

/** Runs msggen --wait: the ops start only once every worker is set up, so
 * set-up is not part of the timed run. Rejects unless it exits 0. */
export async function runGenReady(args: string[]): Promise<GenResult[]> {
  const procs = procsOf(args);
  const g = start(msggen, [...args, '--wait']);
  const out = collect(g);
  const t0 = Date.now();
  while (out.lines.filter((l) => l.startsWith('ready')).length < procs) {
    if (g.exitCode !== null || Date.now() - t0 > 30_000) throw new Error(`msggen not ready: ${out.stderr()}`);
    await sleep(20);
  }
  g.stdin!.end('\n');
  const code = await closed(g);
  if (code !== 0) throw new Error(`msggen failed (${code}): ${out.stderr()}`);
  return parseGen(out.lines);
}

export function parseGen(lines: string[]): GenResult[] {
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as GenResult);
}

// ---- statistics -----------------------------------------------------------

export function quantile(xs: number[], q: number): number {
  const s = [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

export function summarize(xs: number[]): Summary {
  const f = xs.filter((x) => Number.isFinite(x));
  return {
    n: f.length,
    median: quantile(f, 0.5),
    min: f.length ? Math.min(...f) : NaN,
    max: f.length ? Math.max(...f) : NaN,
    q1: quantile(f, 0.25),
    q3: quantile(f, 0.75),
  };
}

// ---- /proc ------------------------------------------------------------------

const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 100;
})();

/** utime+stime of a whole process (all threads), or of one of its threads, in seconds. */
export function cpuSeconds(pid: number, tid?: number): number {
  const s = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // fields after comm start at field 3 (state): utime is field 14, stime 15
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** VmRSS and VmHWM (peak) in bytes. */
export function rss(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

export function loadAvg(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

// ---- bpftool ------------------------------------------------------------------

export interface Prog {
  id: number;
  type: string;
  name?: string;
  run_time_ns?: number;
  run_cnt?: number;
  pids?: { pid: number; comm: string }[];
}

export function progs(): Prog[] {
  const r = spawnSync('bpftool', ['-j', 'prog', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bpftool prog show failed: ${r.stderr}`);
  return JSON.parse(r.stdout || '[]') as Prog[];
}

const TRACING = new Set(['tracepoint', 'raw_tracepoint', 'kprobe', 'tracing', 'perf_event', 'raw_tracepoint_writable']);

/** BPF program ids a process holds open (from /proc/PID/fdinfo; bpftool here
 * is built without pid lookup). */
export function progIdsOf(pid: number): Set<number> {
  const ids = new Set<number>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fdinfo`);
  } catch {
    return ids;
  }
  for (const fd of fds) {
    try {
      const m = /^prog_id:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) ids.add(Number(m[1]));
    } catch {
      /* fd closed meanwhile */
    }
  }
  return ids;
}

/** Every BPF program id seen held by a process this bench started. */
export const ourProgIds = new Set<number>();

export function noteProgs(pid: number): Set<number> {
  const ids = progIdsOf(pid);
  for (const id of ids) ourProgIds.add(id);
  return ids;
}

/** Tracing programs loaded now that are not held by a tracer of ours. */
export function foreignTracers(ours: Set<number> = new Set()): Prog[] {
  return progs().filter((p) => TRACING.has(p.type) && !ours.has(p.id) && !ourProgIds.has(p.id));
}

/** Our programs still loaded (should be none at the end). */
export function leftovers(): Prog[] {
  return progs().filter((p) => ourProgIds.has(p.id));
}

export function sysctl(name: string, value?: string): string {
  const path = `/proc/sys/${name.replace(/\./g, '/')}`;
  const old = readFileSync(path, 'utf8').trim();
  if (value !== undefined) spawnSync('sysctl', ['-q', '-w', `${name}=${value}`]);
  return old;
}
