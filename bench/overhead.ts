// Kernel-side overhead: msggen loops (traced sendmsg/recvmsg, traced
// sendmmsg/recvmmsg, unrelated getppid) under each condition, interleaved
// with runs under no tracer: none, c1, none, c2, ..., none, rotated each
// repetition. Each condition's ratio in a repetition is its ns/op over the
// mean of the no-tracer runs just before and just after it.
import { foreignTracers, loadAvg, progs, rel, msggen, runGen, summarize, sysctl, type Summary } from './lib.js';
import { NONE, type Condition, type Running } from './tracers.js';

export interface Workload {
  id: string;
  label: string;
  unit: string;
  args: string[];
  /** Operations in one run (cpu_ns / ops = ns per op). */
  ops: number;
}

export function workloads(scale: { sendmsg: number; mmsg: number; vlen: number; getppid: number }): Workload[] {
  return [
    {
      id: 'sendmsg',
      label: 'sendmsg+recvmsg loop',
      unit: 'CPU ns per sendmsg+recvmsg pair',
      args: ['--transport', 'unix', '--sendmsg', String(scale.sendmsg)],
      ops: scale.sendmsg,
    },
    {
      id: 'mmsg',
      label: `sendmmsg+recvmmsg loop (vlen ${scale.vlen})`,
      unit: 'CPU ns per datagram sent+received',
      args: ['--transport', 'unix', '--mmsg', String(scale.mmsg), '--vlen', String(scale.vlen)],
      ops: scale.mmsg * scale.vlen,
    },
    {
      id: 'getppid',
      label: 'getppid loop (unrelated syscall)',
      unit: 'CPU ns per getppid',
      args: ['--getppid', String(scale.getppid)],
      ops: scale.getppid,
    },
  ];
}

export interface OverheadResult {
  workloads: Workload[];
  conditions: Condition[];
  /** nsPerOp[cond][workload] → samples (best of `rounds` per attachment). */
  nsPerOp: Record<string, Record<string, number[]>>;
  /** ratio[cond][workload] → per-repetition ratios to the adjacent no-tracer runs. */
  ratio: Record<string, Record<string, number[]>>;
  foreignSamples: number;
  samples: number;
  foreignNames: Set<string>;
  loads: string[];
  commands: string[];
}

async function measure(ws: Workload[], rounds: number): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const w of ws) {
      const res = await runGen(w.args);
      // CPU time, not wall time: BPF runs are charged to the task that
      // fires them, and time spent waiting for a CPU on a shared machine is
      // noise, not overhead.
      const ns = res[0]!.cpu_ns / w.ops;
      best[w.id] = Math.min(best[w.id] ?? Infinity, ns);
    }
  }
  return best;
}

/** Conditions that failed to start twice: each one is a broken measurement,
 * and the run reports it as a problem (non-zero exit). */
export const notStarted: string[] = [];

/** Starts a condition, once more after a failure (another session may be
 * rebuilding dist/ at that moment). */
async function startRetry(c: Condition, log: (s: string) => void): Promise<Running | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await c.start();
    } catch (e) {
      const why = (e as Error).message.split('\n').slice(0, 3).join(' ');
      log(`    ${c.id}: could not start (attempt ${attempt}): ${why}`);
      if (attempt === 2) {
        notStarted.push(`${c.id} did not start twice: ${why}`);
        return null;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export async function runOverhead(
  conds: Condition[],
  ws: Workload[],
  reps: number,
  rounds: number,
  log: (s: string) => void,
): Promise<OverheadResult> {
  const all = [NONE, ...conds];
  const res: OverheadResult = {
    workloads: ws,
    conditions: all,
    nsPerOp: Object.fromEntries(all.map((c) => [c.id, Object.fromEntries(ws.map((w) => [w.id, [] as number[]]))])),
    ratio: Object.fromEntries(conds.map((c) => [c.id, Object.fromEntries(ws.map((w) => [w.id, [] as number[]]))])),
    foreignSamples: 0,
    samples: 0,
    foreignNames: new Set(),
    loads: [],
    commands: [
      ...ws.map((w) => `${rel(msggen)} ${w.args.join(' ')}   → cpu_ns / ${w.ops}`),
      ...conds.map((c) => `${c.id}: ${c.command}`),
    ],
  };
  const noteForeign = (ours: Set<number>) => {
    const f = foreignTracers(ours);
    res.samples++;
    if (f.length) {
      res.foreignSamples++;
      for (const p of f) res.foreignNames.add(`${p.type}:${p.name ?? p.id}`);
    }
  };
  const baseline = async () => {
    noteForeign(new Set());
    const m = await measure(ws, rounds);
    for (const w of ws) res.nsPerOp['none']![w.id]!.push(m[w.id]!);
    return m;
  };

  for (let rep = 0; rep < reps; rep++) {
    const order = conds.map((_, i) => conds[(i + rep) % conds.length]!);
    log(`  rep ${rep + 1}/${reps} (load ${loadAvg()})`);
    res.loads.push(loadAvg());
    let before = await baseline();
    for (const c of order) {
      const run = await startRetry(c, log);
      if (!run) continue;
      let m: Record<string, number>;
      try {
        noteForeign(run.progIds);
        m = await measure(ws, rounds);
      } finally {
        await run.stop();
      }
      const after = await baseline();
      for (const w of ws) {
        res.nsPerOp[c.id]![w.id]!.push(m[w.id]!);
        res.ratio[c.id]![w.id]!.push(m[w.id]! / ((before[w.id]! + after[w.id]!) / 2));
      }
      before = after;
    }
  }
  return res;
}

export interface ProgCost {
  cond: string;
  workload: string;
  programs: { name: string; runs: number; nsPerRun: number }[];
  /** BPF ns per workload op (sum over programs). */
  nsPerOp: number;
}

/**
 * Where the time goes: with kernel.bpf_stats_enabled=1 (restored after),
 * run each workload `rounds` times under each BPF condition and read
 * run_time_ns / run_cnt of the condition's own programs; the run with the
 * least BPF time per op is kept (the first run is cold, and this VM has slow
 * moments). Not used for the measured ratios (the stats cost a little per run).
 */
export async function runProgCosts(conds: Condition[], ws: Workload[], rounds: number, log: (s: string) => void): Promise<ProgCost[]> {
  const out: ProgCost[] = [];
  const old = sysctl('kernel.bpf_stats_enabled', '1');
  try {
    for (const c of conds) {
      const run = await startRetry(c, log);
      if (!run) continue;
      try {
        const read = () => new Map(progs().filter((p) => run.progIds.has(p.id)).map((p) => [p.id, p]));
        for (let round = 0; round < rounds; round++) {
          for (const w of ws) {
            const a = read();
            await runGen(w.args);
            const b = read();
            const programs = [...b.values()]
              .map((p) => {
                const runs = (p.run_cnt ?? 0) - (a.get(p.id)?.run_cnt ?? 0);
                const ns = (p.run_time_ns ?? 0) - (a.get(p.id)?.run_time_ns ?? 0);
                return { name: p.name ?? String(p.id), runs, nsPerRun: runs ? ns / runs : 0, ns };
              })
              .filter((p) => p.runs > 0);
            const cost: ProgCost = {
              cond: c.id,
              workload: w.id,
              programs: programs.map(({ name, runs, nsPerRun }) => ({ name, runs, nsPerRun })),
              nsPerOp: programs.reduce((s, p) => s + p.ns, 0) / w.ops,
            };
            const i = out.findIndex((o) => o.cond === c.id && o.workload === w.id);
            if (i < 0) out.push(cost);
            else if (cost.nsPerOp < out[i]!.nsPerOp) out[i] = cost;
          }
        }
      } finally {
        await run.stop();
      }
    }
  } finally {
    sysctl('kernel.bpf_stats_enabled', old);
  }
  return out;
}

export function ratioSummary(r: OverheadResult, cond: string, w: string): Summary {
  return summarize(r.ratio[cond]?.[w] ?? []);
}
