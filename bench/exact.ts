// Exactness under load: msgtop --json attached, several msggen worker
// processes flood for a fixed count, then msgtop's cumulative totals for
// those pids must equal what the generator reports, field for field.
import { cliJs, collect, msggen, noteProgs, procsOf, rel, runGen, runGenReady, sleep, start, stop, type GenCounts } from './lib.js';

export interface ExactResult {
  mode: string;
  workload: string;
  command: string;
  msgtopCommand: string;
  match: boolean;
  mismatches: string[];
  /** Datagrams sent + received per second, all workers (sum / longest elapsed). */
  rate: number;
  sentRate: number;
  /** Same command with nothing attached, just before. */
  baseRate: number;
  messages: number;
  drops: Record<string, number>;
}

interface JsonProc {
  pid: number;
  syscalls: Record<string, GenCounts>;
}

export async function runExact(
  mode: 'sock' | 'syscalls',
  genArgs: string[],
  label: string,
): Promise<ExactResult> {
  const base = await runGen(genArgs);
  const baseRate =
    base.reduce((n, r) => n + Object.values(r.ops).reduce((k, o) => k + o.messages, 0), 0) /
    (Math.max(...base.map((r) => r.elapsed_ns)) / 1e9);
  const mArgs = [cliJs, '--json', '--probes', mode, '--ipc', 'off', '--interval', '0.5'];
  const m = start(process.execPath, mArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const mOut = collect(m);
  const lines = () => mOut.lines.filter((l) => l.startsWith('{'));
  const genCmd = [...genArgs, '--wait'];
  const result: ExactResult = {
    mode,
    workload: label,
    command: `${rel(msggen)} ${genCmd.join(' ')}`,
    msgtopCommand: `node ${rel(cliJs)} ${mArgs.slice(1).join(' ')}`,
    match: false,
    mismatches: [],
    rate: NaN,
    sentRate: NaN,
    baseRate,
    messages: 0,
    drops: {},
  };
  try {
    const t0 = Date.now();
    while (lines().length < 1) {
      if (m.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`msgtop did not start: ${mOut.stderr()}`);
      await sleep(50);
    }
    noteProgs(m.pid!);
    const procs = procsOf(genArgs);
    const gen = await runGenReady(genArgs);
    // Two more reads of the maps after the workload ended.
    const have = lines().length;
    while (lines().length < have + 2) {
      if (m.exitCode !== null) throw new Error(`msgtop exited: ${mOut.stderr()}`);
      await sleep(50);
    }
    const last = JSON.parse(lines()[lines().length - 1]!) as { processes: JsonProc[]; drops: Record<string, number> };
    result.drops = last.drops;
    let msgs = 0;
    let sent = 0;
    let longest = 0;
    for (const r of gen) {
      longest = Math.max(longest, r.elapsed_ns);
      const p = last.processes.find((x) => x.pid === r.pid);
      for (const [name, want] of Object.entries(r.ops)) {
        msgs += want.messages;
        if (name.startsWith('send')) sent += want.messages;
        const got = p?.syscalls[name];
        for (const k of ['calls', 'messages', 'bytes', 'errors'] as const) {
          if ((got?.[k] ?? 0) !== want[k]) result.mismatches.push(`pid ${r.pid} ${name}.${k}: msgtop ${got?.[k] ?? 0}, generator ${want[k]}`);
        }
      }
      for (const name of Object.keys(p?.syscalls ?? {})) {
        // write/read: the worker's result line goes out through the stdout
        // Node gave it, an AF_UNIX stream socket (test/workload/README.md).
        if (name === 'write' || name === 'read') continue;
        if (!(name in r.ops)) result.mismatches.push(`pid ${r.pid} ${name}: msgtop counted calls the generator did not make`);
      }
    }
    result.match = result.mismatches.length === 0 && gen.length === procs;
    if (gen.length !== procs) result.mismatches.push(`expected ${procs} worker results, got ${gen.length}`);
    result.messages = msgs;
    result.rate = msgs / (longest / 1e9);
    result.sentRate = sent / (longest / 1e9);
  } finally {
    await stop(m, 'SIGINT');
  }
  return result;
}
