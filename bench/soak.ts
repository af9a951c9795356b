// Uptime: many busy processes for minutes on end under the TUI and --json at
// once (totals still exact, memory flat, the event loop never blocked long,
// CPU within target), and 10,000 live processes through the real data path.
import { isDeepStrictEqual } from 'node:util';
import { screen, startBusy, startTui, type Tui } from './usercost.js';
import { alive, cliJs, cpuSeconds, nodeFlags, OutputFile, rss, sleep, start, stop, type GenCounts } from './lib.js';

/** RSS samples over the judged window, and how far they stray from their median. */
export interface Flatness {
  min: number;
  median: number;
  max: number;
  /** Largest |sample − median| ÷ median. */
  stray: number;
}

export interface Usage {
  cpuPercent: number;
  rss: Flatness;
  /** Longest event-loop stall msgtop reported over the window, ms. */
  stallMaxMs: number;
  /** Longest time it reported building one Model (a sample), ms. */
  sampleMaxMs: number;
}

/** What the TUI's header says of its own timing (NaN where it says nothing). */
export interface HeaderTimes {
  stall: number;
  sample: number;
  frame: number;
}

export interface SoakResult {
  processes: number;
  rateHz: number;
  seconds: number;
  /** The window judged: from this many seconds in to the end. */
  judgedFrom: number;
  json: Usage;
  tui: Usage;
  exact: boolean;
  mismatch: string;
  command: string;
}

function flatness(xs: number[]): Flatness {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)] ?? NaN;
  return { min: s[0] ?? NaN, median, max: s.at(-1) ?? NaN, stray: Math.max(...s.map((x) => Math.abs(x - median) / median)) };
}

/** The TUI's header now: `stall 12ms (sample 8, frame 3)`. */
function tuiTimes(): HeaderTimes {
  const m = /stall (\d+)ms \(sample (\d+)(?:, frame (\d+))?\)/.exec(screen());
  return { stall: Number(m?.[1] ?? NaN), sample: Number(m?.[2] ?? NaN), frame: Number(m?.[3] ?? NaN) };
}

/** Largest of each, over readings that had it. */
function most(a: HeaderTimes, b: HeaderTimes): HeaderTimes {
  const max = (x: number, y: number) => Math.max(x || 0, y || 0);
  return { stall: max(a.stall, b.stall), sample: max(a.sample, b.sample), frame: max(a.frame, b.frame) };
}

/** The TUI is started wide enough for the header's whole cost line. */
const WIDE = 200;

/** What msgtop --json's last line says each of `pids` sent and received through sendmsg/recvmsg. */
function countedBy(line: string, pids: Set<number>): Map<number, Record<string, GenCounts>> {
  const o = JSON.parse(line) as { processes: { pid: number; syscalls: Record<string, GenCounts> }[] };
  return new Map(o.processes.filter((p) => pids.has(p.pid)).map((p) => [p.pid, p.syscalls]));
}

/** `procs` processes sending `rateHz` messages a second each for `seconds`;
 * judged from `judgedFrom` seconds in. */
export async function soak(procs: number, rateHz: number, seconds: number, judgedFrom: number): Promise<SoakResult> {
  const out = new OutputFile();
  const json = start(process.execPath, [...nodeFlags, cliJs, '--json', '--interval', '1'], { stdio: ['ignore', out.fd, 'pipe'] });
  let stderr = '';
  json.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // Only what the verdict needs is kept: a line is as big as 2,000 processes.
  let lines = 0;
  let last = '';
  let costs: { loop_stall_ms: number; sample_ms: number }[] | null = null;
  const read = (): void => {
    for (const l of out.lines()) {
      lines++;
      last = l;
      costs?.push((JSON.parse(l) as { cost: { loop_stall_ms: number; sample_ms: number } }).cost);
    }
  };
  let tui: Tui | null = null;
  let busy: Awaited<ReturnType<typeof startBusy>> | null = null;
  try {
    while (lines < 1) {
      if (!alive(json)) throw new Error(`msgtop --json exited: ${stderr}`);
      await sleep(100);
      read();
    }
    tui = await startTui({}, WIDE);
    // Ten wake-ups a second each: at one per message, 2,000 processes'
    // timers alone saturate a 2-CPU machine.
    busy = await startBusy(procs, rateHz, seconds, { hold: true, burst: Math.max(1, Math.round(rateHz / 10)) });
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    const rssOf = { json: [] as number[], tui: [] as number[] };
    let tuiMax: HeaderTimes = { stall: 0, sample: 0, frame: 0 };
    let cpu0: { json: number; tui: number } | null = null;
    while (busy.results().length < busy.processes) {
      if (elapsed() > seconds * 1.5 + 60) throw new Error(`only ${busy.results().length} of ${busy.processes} workers finished`);
      if (!alive(json)) throw new Error(`msgtop --json exited: ${stderr}`);
      await sleep(1000);
      read();
      if (elapsed() < judgedFrom || elapsed() > seconds) continue;
      if (!cpu0) {
        cpu0 = { json: cpuSeconds(json.pid!), tui: cpuSeconds(tui.pid) };
        costs = [];
      }
      rssOf.json.push(rss(json.pid!).rss);
      rssOf.tui.push(rss(tui.pid).rss);
      tuiMax = most(tuiMax, tuiTimes());
    }
    const window = Math.min(seconds, elapsed()) - judgedFrom;
    const cpu1 = { json: cpuSeconds(json.pid!), tui: cpuSeconds(tui.pid) };
    read();
    const jsonCosts = costs ?? [];
    costs = null;

    // Every worker is done and held alive: two more intervals see all it did.
    const n = lines;
    while (lines < n + 2) {
      await sleep(100);
      read();
    }
    const results = busy.results();
    const got = countedBy(last, new Set(results.map((r) => r.pid)));
    const wrong = results.filter((r) => {
      const c = got.get(r.pid);
      return !c || !isDeepStrictEqual({ sendmsg: c['sendmsg'], recvmsg: c['recvmsg'] }, { sendmsg: r.ops['sendmsg'], recvmsg: r.ops['recvmsg'] });
    });
    const usage = (k: 'json' | 'tui', stallMaxMs: number, sampleMaxMs: number): Usage => ({
      cpuPercent: cpu0 ? ((cpu1[k] - cpu0[k]) / window) * 100 : NaN,
      rss: flatness(rssOf[k]),
      stallMaxMs,
      sampleMaxMs,
    });
    return {
      processes: busy.processes,
      rateHz,
      seconds,
      judgedFrom,
      json: usage('json', Math.max(...jsonCosts.map((c) => c.loop_stall_ms)), Math.max(...jsonCosts.map((c) => c.sample_ms))),
      tui: usage('tui', tuiMax.stall, tuiMax.sample),
      exact: wrong.length === 0,
      mismatch: wrong
        .slice(0, 3)
        .map((r) => `pid ${r.pid}: sent ${JSON.stringify(r.ops['sendmsg'])}, counted ${JSON.stringify(got.get(r.pid)?.['sendmsg'] ?? null)}`)
        .join('; '),
      command: `${busy.command}, under \`msgtop --json --interval 1\` and the TUI at once`,
    };
  } finally {
    if (busy) await busy.stop();
    if (tui) await tui.stop();
    await stop(json);
    out.remove();
  }
}

export interface LiveResult {
  processes: number;
  seconds: number;
  cpuPercent: number;
  rssPeakBytes: number;
  /** Longest the header showed: an event-loop stall, a sample (building
   * one Model) and a frame (drawing one). */
  max: HeaderTimes;
  command: string;
}

/** The TUI with `procs` live processes sending one message a second each. */
export async function manyLive(procs: number, warmup: number, seconds: number): Promise<LiveResult> {
  const busy = await startBusy(procs, 1, warmup + seconds + 60);
  let tui: Tui | null = null;
  try {
    tui = await startTui({}, WIDE);
    await sleep(warmup * 1000);
    const c0 = cpuSeconds(tui.pid);
    const t0 = performance.now();
    let max: HeaderTimes = { stall: 0, sample: 0, frame: 0 };
    let peak = 0;
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(500);
      max = most(max, tuiTimes());
      peak = Math.max(peak, rss(tui.pid).rss);
    }
    const cpuPercent = ((cpuSeconds(tui.pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
    return { processes: busy.processes, seconds, cpuPercent, rssPeakBytes: peak, max, command: `${busy.command}; the TUI in tmux ${WIDE}×40` };
  } finally {
    if (tui) await tui.stop();
    await busy.stop();
  }
}
