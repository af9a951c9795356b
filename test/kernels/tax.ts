// Inside a kernel guest: what a tracer costs a getppid loop (a syscall msgtop
// does not trace) and a sendmsg+recvmsg loop, as ratios against no tracer.
// By default the tracer is msgtop in the mode `auto` picks; with
// msgtop.figures=all on the kernel command line, also msgtop in every mode
// of MSGTOP_PROBES and empty programs on each mode's hooks (bench/floor).
// Each cycle runs off, on, on, off (one tracer start per cycle: Node takes
// seconds to start under TCG), so drift in the emulator falls on both sides.
// Prints one FIGURES line of JSON for the host (test/kernels/run.sh).
// Figures, not a pass/fail test.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Msgtop, probeModes, runGen } from '../integration/harness.js';

const CYCLES = Number(process.env['TAX_CYCLES'] ?? 3);
const LOOPS = {
  getppid: ['--getppid', process.env['TAX_GETPPID'] ?? '200000'],
  sendmsg: ['--sendmsg', process.env['TAX_SENDMSG'] ?? '20000'],
} as const;
type Loop = keyof typeof LOOPS;
const FLOOR = process.env['MSGTOP_FLOOR'] ?? '/t/bin/floor';
const FLOOR_OBJ = process.env['MSGTOP_FLOOR_OBJ'] ?? '/t/bin/floor.bpf.o';
const cmdline = readFileSync('/proc/cmdline', 'utf8');
// `npm test` finds this file under dist/test/ too: it measures only in a guest.
if (!cmdline.includes('msgtop.probes=')) process.exit(0);
const all = /\bmsgtop\.figures=all\b/.test(cmdline);

/** A tracer attached until the returned function detaches it. */
type Tracer = () => Promise<() => Promise<void>>;

function msgtop(probes: string): Tracer {
  return async () => {
    const m = new Msgtop(['--probes', probes, '--interval', '1']);
    const first = await m.next(1, 60_000);
    if (probes === 'auto') picked = first.probes;
    return async () => {
      if ((await m.stop()) !== 0) throw new Error(`msgtop exited badly: ${m.stderr}`);
    };
  };
}

/** Empty programs on the hooks of one mode. */
function floor(mode: string): Tracer {
  return async () => {
    const child = spawn(FLOOR, [mode, FLOOR_OBJ], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    if (!line.startsWith('ready')) throw new Error(`floor ${mode} did not attach`);
    return async () => {
      const done = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await done;
    };
  };
}

function nsPerOp(args: readonly string[]): number {
  const [r] = runGen([...args], 1);
  return r!.cpu_ns / Number(args[1]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

let picked = '';

async function measure(tracer: Tracer): Promise<Record<Loop, { off_ns: number; on_ns: number; ratio: number; ratios: number[] }>> {
  const cycles: Record<Loop, { off: number[]; on: number[] }>[] = [];
  const sample = (into: Record<Loop, { off: number[]; on: number[] }>, side: 'off' | 'on'): void => {
    for (const name of Object.keys(LOOPS) as Loop[]) into[name][side].push(nsPerOp(LOOPS[name]));
  };
  for (let c = 0; c < CYCLES; c++) {
    const s = { getppid: { off: [], on: [] }, sendmsg: { off: [], on: [] } };
    sample(s, 'off');
    const detach = await tracer();
    sample(s, 'on');
    sample(s, 'on');
    await detach();
    sample(s, 'off');
    cycles.push(s);
  }
  return Object.fromEntries(
    (Object.keys(LOOPS) as Loop[]).map((name) => {
      const off = median(cycles.flatMap((c) => c[name].off));
      const on = median(cycles.flatMap((c) => c[name].on));
      const perCycle = cycles.map((c) => +(median(c[name].on) / median(c[name].off)).toFixed(2));
      return [name, { off_ns: Math.round(off), on_ns: Math.round(on), ratio: +(on / off).toFixed(2), ratios: perCycle }];
    }),
  ) as Record<Loop, { off_ns: number; on_ns: number; ratio: number; ratios: number[] }>;
}

const auto = await measure(msgtop('auto'));
const figures: Record<string, unknown> = { mode: picked, cycles: CYCLES, ...auto };
if (all) {
  const more: Record<string, unknown> = {};
  for (const mode of probeModes) {
    more[`msgtop ${mode}`] = await measure(msgtop(mode));
    more[`empty ${mode}`] = await measure(floor(mode));
  }
  figures['all'] = more;
}
console.log(`FIGURES ${JSON.stringify(figures)}`);
