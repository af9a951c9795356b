// User-space cost: msgtop's TUI in a real pty (tmux, 120x40) at 1 Hz, idle
// and with 2,000 slowly sending processes; frame time of <App> at 10,000
// processes; start-to-first-output time.
import { spawnSync } from 'node:child_process';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  alive,
  cliJs,
  collect,
  cpuSeconds,
  msggen,
  nodeFlags,
  noteProgs,
  parseGen,
  rel,
  root,
  rss,
  sleep,
  start,
  startedPids,
  stop,
  summarize,
  type GenResult,
  type Summary,
} from './lib.js';

const SOCKET = `msgtop-bench-${process.pid}`;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

export interface Tui {
  pid: number;
  serverPid: number;
  startedAt: number;
  /** ms from `tmux new-session` to the first frame on screen. */
  firstFrameMs: number;
  stop(): Promise<void>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function endPid(pid: number, signal: NodeJS.Signals, graceMs = 5000): Promise<void> {
  if (!pidAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** What the TUI's pane shows now. */
export function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'tui');
}

/** Starts the TUI in a detached tmux session (120×40 unless `columns` says
 * otherwise) and waits for its first frame. */
export async function startTui(extraEnv: Record<string, string> = {}, columns = 120): Promise<Tui> {
  const env = Object.entries(extraEnv)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  const t0 = performance.now();
  const startedAt = Date.now();
  tmux('new-session', '-d', '-x', String(columns), '-y', '40', '-s', 'tui', `exec env -u CI ${env}${[process.execPath, ...nodeFlags, cliJs].join(' ')}`);
  const serverPid = Number(tmux('display-message', '-p', '-t', 'tui', '#{pid}').trim());
  const pid = Number(tmux('display-message', '-p', '-t', 'tui', '#{pane_pid}').trim());
  startedPids.add(pid);
  startedPids.add(serverPid);
  let firstFrameMs = NaN;
  while (performance.now() - t0 < 20_000) {
    const screen = tmux('capture-pane', '-p', '-t', 'tui');
    if (/msgtop/.test(screen) && /PID/i.test(screen)) {
      firstFrameMs = performance.now() - t0;
      break;
    }
    if (!pidAlive(pid)) throw new Error(`TUI exited: ${screen}`);
    await sleep(10);
  }
  const stopTui = async () => {
    await endPid(pid, 'SIGTERM');
    await endPid(serverPid, 'SIGTERM');
    // The server was ended by PID, so its socket file stays: remove it.
    try {
      unlinkSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SOCKET));
    } catch {
      /* already gone */
    }
  };
  // No first frame is a broken measurement, not a slow one: fail the section.
  if (Number.isNaN(firstFrameMs)) {
    const screen = tmux('capture-pane', '-p', '-t', 'tui');
    await stopTui();
    throw new Error(`no first frame within 20 s; screen:\n${screen}`);
  }
  noteProgs(pid);
  return { pid, serverPid, startedAt, firstFrameMs, stop: stopTui };
}

export interface CpuSample {
  cpuPercent: number;
  rssBytes: number;
  hwmBytes: number;
  seconds: number;
  screenTail: string;
}

/** CPU% of one core and RSS of `pid` over `seconds`, after `warmup` seconds. */
export async function sampleCpu(pid: number, warmup: number, seconds: number): Promise<Omit<CpuSample, 'screenTail'>> {
  await sleep(warmup * 1000);
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const c1 = cpuSeconds(pid);
  const t1 = performance.now();
  const m = rss(pid);
  return { cpuPercent: ((c1 - c0) / ((t1 - t0) / 1000)) * 100, rssBytes: m.rss, hwmBytes: m.hwm, seconds };
}

export interface IdleResult extends CpuSample {
  firstFrameMs: number;
  /** The same TUI, later: V8 is still compiling its hot code for about a
   * minute at one frame per second, so this is what idle costs for hours. */
  steady: Omit<CpuSample, 'screenTail'> & { after: number };
}

/** One idle TUI: `seconds` after `warmup`, then `steadySeconds` from `steadyAfter` s after start. */
export async function tuiIdle(warmup: number, seconds: number, steadyAfter: number, steadySeconds: number): Promise<IdleResult> {
  const tui = await startTui();
  try {
    const s = await sampleCpu(tui.pid, warmup, seconds);
    const screen = tmux('capture-pane', '-p', '-t', 'tui');
    const rest = Math.max(0, steadyAfter - (Date.now() - tui.startedAt) / 1000);
    const steady = { ...(await sampleCpu(tui.pid, rest, steadySeconds)), after: steadyAfter };
    return { ...s, steady, firstFrameMs: tui.firstFrameMs, screenTail: screen.split('\n').slice(0, 3).join('\n') };
  } finally {
    await tui.stop();
  }
}

export interface BusyResult extends CpuSample {
  processes: number;
  command: string;
  /** Rows msgtop's header says it sees (from the screen), if shown. */
}

/** 2,000 msggen worker processes each doing one sendmsg+recvmsg pair per second. */
/** `procs` msggen workers, each sending at `rateHz` for `seconds`, all
 * started together once every one is ready; `stop` ends them. */
export interface Busy {
  command: string;
  processes: number;
  /** Results of the workers that have finished. */
  results: () => GenResult[];
  stop: () => Promise<void>;
}

/** `procs` workers each sending a message `rateHz` times a second for
 * `seconds`; with `hold`, they stay alive after their result until stopped;
 * with `burst`, they send that many at a time (fewer wake-ups). */
export async function startBusy(procs: number, rateHz: number, seconds: number, o: { hold?: boolean; burst?: number } = {}): Promise<Busy> {
  const perParent = Math.min(1000, procs);
  const parents = Math.ceil(procs / perParent);
  const iterations = Math.ceil(seconds * rateHz);
  const args = ['--transport', 'unix', '--sendmsg', String(iterations), '--rate-hz', String(rateHz), '--procs', String(perParent), '--wait'];
  if (o.hold) args.push('--hold');
  if (o.burst) args.push('--burst', String(o.burst));
  const gens = Array.from({ length: parents }, () => start(msggen, args));
  const outs = gens.map((g) => collect(g));
  // The --procs parent forwards SIGTERM to its workers.
  const stopAll = async () => {
    for (const g of gens) await stop(g, 'SIGTERM');
  };
  const t0 = Date.now();
  while (outs.reduce((n, o) => n + o.lines.filter((l) => l.startsWith('ready')).length, 0) < parents * perParent) {
    if (gens.some((g) => !alive(g)) || Date.now() - t0 > 120_000) {
      await stopAll();
      throw new Error(`msggen workers not ready: ${outs.map((o) => o.stderr()).join(' ')}`);
    }
    await sleep(100);
  }
  for (const g of gens) g.stdin!.write('\n');
  return {
    command: `${parents} × ${rel(msggen)} ${args.join(' ')}`,
    processes: parents * perParent,
    results: () => outs.flatMap((o) => parseGen(o.lines)),
    stop: stopAll,
  };
}

export async function tuiBusy(procs: number, warmup: number, seconds: number, rateHz: number): Promise<BusyResult> {
  const busy = await startBusy(procs, rateHz, warmup + seconds + 60);
  let tui: Tui | null = null;
  try {
    tui = await startTui();
    const s = await sampleCpu(tui.pid, warmup, seconds);
    const screen = tmux('capture-pane', '-p', '-t', 'tui');
    return {
      ...s,
      processes: busy.processes,
      command: busy.command,
      screenTail: screen.split('\n').slice(0, 3).join('\n'),
    };
  } finally {
    if (tui) await tui.stop();
    await busy.stop();
  }
}

export interface FrameResult {
  processes: number;
  firstMs: number;
  warmup: number;
  /** Timed frames after `warmup` untimed ones. */
  frames: Summary;
  cpu: Summary;
  /** The first frames after mount, while V8 is still compiling the hot code. */
  coldCpu: Summary;
  changed: number;
  command: string;
}

export function frameTime(processes: number, frames: number, warmup: number): FrameResult {
  const js = join(root, 'dist', 'bench', 'frame.js');
  const env = { ...process.env, NODE_ENV: 'production' };
  const r = spawnSync(process.execPath, [js, String(processes), String(frames), String(warmup)], { encoding: 'utf8', env, timeout: 600_000 });
  if (r.pid) startedPids.add(r.pid);
  if (r.status !== 0) throw new Error(`frame bench failed: ${r.stderr}`);
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { firstMs: number; ms: number[]; cpuMs: number[]; changed: number; lines: number };
  if (o.lines < 10 || o.changed < (warmup + frames) / 2) throw new Error(`frame bench rendered nothing useful (${o.lines} lines, ${o.changed} changed frames)`);
  return {
    processes,
    firstMs: o.firstMs,
    warmup,
    frames: summarize(o.ms.slice(warmup)),
    cpu: summarize(o.cpuMs.slice(warmup)),
    coldCpu: summarize(o.cpuMs.slice(0, frames)),
    changed: o.changed,
    command: `NODE_ENV=production node ${rel(js)} ${processes} ${frames} ${warmup}   (production React, as msgtop runs it; 120×40)`,
  };
}

export interface StartupResult {
  command: string;
  ms: Summary;
}

/** Spawn → first stdout line of `msgtop --json --iterations 1 --interval 0.1`. */
export async function jsonStartup(reps: number): Promise<StartupResult> {
  const args = [cliJs, '--json', '--iterations', '1', '--interval', '0.1'];
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c = start(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = collect(c);
    while (out.lines.length === 0 && alive(c)) await sleep(2);
    const took = performance.now() - t0;
    noteProgs(c.pid!);
    await stop(c, 'SIGINT');
    // No line is a broken measurement, not a slow one: fail the section.
    if (out.lines.length === 0) throw new Error(`msgtop --json exited before its first line: ${out.stderr().trim()}`);
    ms.push(took);
    await sleep(200);
  }
  return { command: `node ${rel(cliJs)} ${args.slice(1).join(' ')}   (spawn → first line)`, ms: summarize(ms) };
}

export async function tuiStartup(reps: number): Promise<StartupResult> {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const tui = await startTui();
    ms.push(tui.firstFrameMs);
    await tui.stop();
    await sleep(200);
  }
  return {
    command: `tmux -L ${SOCKET} new-session -d -x 120 -y 40 'exec env -u CI ${['node', ...nodeFlags, rel(cliJs)].join(' ')}'   (→ header + table on screen, polled every 10 ms)`,
    ms: summarize(ms),
  };
}
