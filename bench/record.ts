// § 10: --record with many busy processes: how many bytes an interval takes
// in the file, plain and gzip, and the CPU the recorder adds to msgtop. Three
// msgtop --json run side by side on the same workload (one without a
// recording, one recording plain, one gzip), so each difference is the
// recorder's alone. Then what replaying those files costs: opening (every
// line read and checked), a step, and opening a process (its History pane
// reads up to 120 intervals back).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { openRecording } from '../src/record/reader.js';
import { ReplayModels } from '../src/record/replay.js';
import { cliJs, cpuSeconds, nodeFlags, rel, sleep, start, stop } from './lib.js';
import { startBusy } from './usercost.js';

export interface RecordRun {
  label: string;
  /** msgtop's CPU over the window, % of one core. */
  cpuPercent: number;
  /** File bytes and intervals written during the window (null: no file). */
  bytes: number | null;
  intervals: number | null;
  /** Replaying the file: ms to open it, per step, and to open a process cold. */
  replay: { intervals: number; openMs: number; stepMs: number; openProcessMs: number } | null;
}

export interface RecordResult {
  processes: number;
  seconds: number;
  command: string;
  runs: RecordRun[];
}

/** Bytes and complete intervals in a recording so far. */
function fileSize(path: string): { bytes: number; intervals: number } {
  const raw = readFileSync(path);
  // Still being written: a gzip member may be cut short.
  const text = path.endsWith('.gz') ? gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH }) : raw;
  let lines = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) lines++;
  // The header is a line too.
  return { bytes: statSync(path).size, intervals: Math.max(0, lines - 1) };
}

async function replayCost(path: string): Promise<RecordRun['replay']> {
  let t = performance.now();
  const rec = await openRecording(path);
  const openMs = performance.now() - t;
  try {
    const models = new ReplayModels(rec, { rowHistoryLen: 10 });
    t = performance.now();
    let busiest = '';
    for (let i = 0; i < models.count; i++) busiest = models.model(i).processes[0]?.key ?? busiest;
    const stepMs = (performance.now() - t) / models.count;
    // A fresh replay of the same file, opened at its last interval.
    const cold = new ReplayModels(rec, { rowHistoryLen: 10 });
    cold.watch(busiest);
    t = performance.now();
    cold.model(models.count - 1);
    return { intervals: models.count, openMs, stepMs, openProcessMs: performance.now() - t };
  } finally {
    rec.close();
  }
}

export async function recordCost(procs: number, rateHz: number, warmup: number, seconds: number): Promise<RecordResult> {
  const busy = await startBusy(procs, rateHz, warmup + seconds + 60);
  const dir = mkdtempSync(join(tmpdir(), 'msgtop-bench-rec-'));
  const setups = [
    { label: 'msgtop --json', file: null },
    { label: 'msgtop --json --record FILE', file: join(dir, 'r.jsonl') },
    { label: 'msgtop --json --record FILE.gz', file: join(dir, 'r.jsonl.gz') },
  ];
  const children = setups.map((s) => start(process.execPath, [...nodeFlags, cliJs, '--json', ...(s.file ? ['--record', s.file] : [])], { stdio: ['ignore', 'ignore', 'pipe'] }));
  try {
    await sleep(warmup * 1000);
    for (const c of children) if (c.exitCode !== null) throw new Error(`msgtop exited early (${c.exitCode})`);
    const cpu0 = children.map((c) => cpuSeconds(c.pid!));
    const size0 = setups.map((s) => (s.file ? fileSize(s.file) : null));
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const cpu1 = children.map((c) => cpuSeconds(c.pid!));
    const size1 = setups.map((s) => (s.file ? fileSize(s.file) : null));
    const wall = (performance.now() - t0) / 1000;
    for (const c of children) await stop(c, 'SIGINT');
    const replays: RecordRun['replay'][] = [];
    for (const s of setups) replays.push(s.file ? await replayCost(s.file) : null);
    return {
      processes: busy.processes,
      seconds: wall,
      command: `${busy.command}; the three side by side: ${setups.map((s) => `${rel(cliJs)} --json${s.file ? ` --record ${s.file.endsWith('.gz') ? 'FILE.gz' : 'FILE'}` : ''}`).join(', ')} (stdout to /dev/null)`,
      runs: setups.map((s, i) => ({
        label: s.label,
        cpuPercent: ((cpu1[i]! - cpu0[i]!) / wall) * 100,
        bytes: size0[i] && size1[i] ? size1[i]!.bytes - size0[i]!.bytes : null,
        intervals: size0[i] && size1[i] ? size1[i]!.intervals - size0[i]!.intervals : null,
        replay: replays[i] ?? null,
      })),
    };
  } finally {
    for (const c of children) await stop(c, 'SIGINT');
    await busy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
