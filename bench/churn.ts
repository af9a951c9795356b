// A host that starts processes all day: tens of thousands of short-lived
// processes, each sending a known number of messages, under the TUI and
// `--json` at once. What msgtop costs during and after, whether its output
// stays bounded, whether every message was counted, and what moving the
// dead out of the kernel maps costs.
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { totalsByComm } from '../test/integration/totals.js';
import { startTui, type Tui } from './usercost.js';
import { alive, cliJs, collect, cpuSeconds, msggen, nodeFlags, progIdsOf, progs, rel, rss, sleep, start, stop, sysctl, type GenCounts } from './lib.js';

const NAMES = ['churn-a', 'churn-b', 'churn-c'];

export interface Usage {
  cpuPercent: number;
  rssPeakBytes: number;
}

export interface ChurnResult {
  processes: number;
  seconds: number;
  idleBefore: { json: Usage; tui: Usage };
  during: { json: Usage; tui: Usage };
  after: { json: Usage; tui: Usage };
  /** --json line bytes: before the churn, the largest, the last. */
  lineBytes: { before: number; max: number; last: number };
  exact: boolean;
  mismatch: string;
  mapFull: number;
  /** CPU of the addon's eviction thread per exited process, µs. */
  evictUsPerProc: number;
  /** The exit hook's BPF run time per exit of any process on the machine, ns. */
  exitHookNs: number;
  command: string;
}

/** CPU seconds of the thread named `name` in `pid`. */
function threadCpu(pid: number, name: string): number {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name) return cpuSeconds(pid, Number(tid));
  }
  throw new Error(`no thread ${name} in ${pid}`);
}

/** CPU% and RSS peak of each pid while `during` runs, sampled every 200 ms. */
async function watch(pids: number[], during: () => Promise<unknown>): Promise<Usage[]> {
  const c0 = pids.map((p) => cpuSeconds(p));
  const t0 = performance.now();
  const peaks = pids.map(() => 0);
  let done = false;
  const work = during().finally(() => (done = true));
  while (!done) {
    pids.forEach((p, i) => (peaks[i] = Math.max(peaks[i]!, rss(p).rss)));
    await sleep(200);
  }
  await work;
  const sec = (performance.now() - t0) / 1000;
  return pids.map((p, i) => ({ cpuPercent: ((cpuSeconds(p) - c0[i]!) / sec) * 100, rssPeakBytes: peaks[i]! }));
}

/** `children` processes through msggen --churn; CPU and RSS `idleSeconds`
 * before, during, and over `afterSeconds` from 5 s after. */
export async function churnCost(children: number, idleSeconds: number, afterSeconds: number): Promise<ChurnResult> {
  const jsonArgs = [...nodeFlags, cliJs, '--json', '--interval', '1'];
  const json = start(process.execPath, jsonArgs);
  const out = collect(json);
  let tui: Tui | null = null;
  const stats0 = sysctl('kernel.bpf_stats_enabled');
  try {
    while (out.lines.length < 1) {
      if (!alive(json)) throw new Error(`msgtop --json exited: ${out.stderr()}`);
      await sleep(100);
    }
    tui = await startTui();
    const pids = [json.pid!, tui.pid];
    const [jIdle, tIdle] = await watch(pids, () => sleep(idleSeconds * 1000));
    const before = out.lines.at(-1)!.length;

    // The exit hook's cost: run-time statistics on for the churn only.
    sysctl('kernel.bpf_stats_enabled', '1');
    const exitProg = () => progs().find((p) => p.name === 'proc_exit' && progIdsOf(json.pid!).has(p.id));
    const p0 = exitProg();
    const e0 = threadCpu(json.pid!, 'msgtop-evict');
    // The queue exists 600 ms before the first msgsnd: --ipc auto (the
    // default) attaches msgsnd/msgrcv tracing within 250 ms of it.
    const args = ['--churn', String(children), '--churn-names', NAMES.join(','), '--sendmsg', '2', '--mmsg', '1', '--vlen', '3', '--msgsnd', '1', '--size', '32', '--ipc-delay-ms', '600'];
    let gen: { lines: string[]; stderr: () => string } | null = null;
    const t0 = performance.now();
    const [jBusy, tBusy] = await watch(pids, async () => {
      const g = start(msggen, args);
      gen = collect(g);
      while (alive(g)) await sleep(100);
      if (g.exitCode !== 0) throw new Error(`msggen --churn failed: ${gen.stderr()}`);
    });
    const seconds = (performance.now() - t0) / 1000;
    const p1 = exitProg();
    sysctl('kernel.bpf_stats_enabled', stats0);
    const evictSec = threadCpu(json.pid!, 'msgtop-evict') - e0;
    const exitRuns = (p1?.run_cnt ?? 0) - (p0?.run_cnt ?? 0);
    const exitNs = (p1?.run_time_ns ?? 0) - (p0?.run_time_ns ?? 0);

    // After (with the full run, the 60 s linger time ends in this window).
    await sleep(5000);
    const [jAfter, tAfter] = await watch(pids, () => sleep(afterSeconds * 1000));
    const last = JSON.parse(out.lines.at(-1)!) as {
      drops: Record<string, number>;
      processes: { comm: string; syscalls: Record<string, GenCounts> }[];
    };
    const want = (JSON.parse(gen!.lines.at(-1)!) as { comms: Record<string, { ops: Record<string, GenCounts> }> }).comms;
    const mismatch: string[] = [];
    for (const name of NAMES) {
      const got = totalsByComm(last.processes, name).syscalls;
      if (!isDeepStrictEqual(got, want[name]!.ops)) mismatch.push(`${name}: got ${JSON.stringify(got)}, sent ${JSON.stringify(want[name]!.ops)}`);
    }
    return {
      processes: children,
      seconds,
      idleBefore: { json: jIdle!, tui: tIdle! },
      during: { json: jBusy!, tui: tBusy! },
      after: { json: jAfter!, tui: tAfter! },
      lineBytes: { before, max: Math.max(...out.lines.map((l) => l.length)), last: out.lines.at(-1)!.length },
      exact: mismatch.length === 0,
      mismatch: mismatch.join('; '),
      mapFull: last.drops['counter_map_full']! + last.drops['proc_map_full']! + last.drops['errno_map_full']!,
      evictUsPerProc: (evictSec * 1e6) / children,
      exitHookNs: exitRuns > 0 ? exitNs / exitRuns : NaN,
      command: `${rel(msggen)} ${args.join(' ')} under \`msgtop ${jsonArgs.slice(-3).join(' ')}\` and the TUI at once`,
    };
  } finally {
    sysctl('kernel.bpf_stats_enabled', stats0);
    if (tui) await tui.stop();
    await stop(json);
  }
}
