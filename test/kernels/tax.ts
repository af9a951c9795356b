// Inside a kernel guest: what msgtop attached in the mode `auto` picks costs
// a getppid loop (a syscall msgtop does not trace) and a sendmsg+recvmsg loop,
// as ratios against no tracer. Each cycle runs off, on, on, off (one msgtop
// start per cycle: Node takes seconds to start under TCG), so drift in the
// emulator falls on both sides. Prints one FIGURES line of JSON for the host
// (test/kernels/run.sh). Figures, not a pass/fail test.
import { Msgtop, runGen } from '../integration/harness.js';

const CYCLES = Number(process.env['TAX_CYCLES'] ?? 3);
const LOOPS = {
  getppid: ['--getppid', process.env['TAX_GETPPID'] ?? '200000'],
  sendmsg: ['--sendmsg', process.env['TAX_SENDMSG'] ?? '20000'],
} as const;
type Loop = keyof typeof LOOPS;

function nsPerOp(args: readonly string[]): number {
  const [r] = runGen([...args], 1);
  return r!.cpu_ns / Number(args[1]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Per cycle and loop: the two samples without msgtop, the two with. */
const cycles: Record<Loop, { off: number[]; on: number[] }>[] = [];
let mode = '';
const sample = (into: Record<Loop, { off: number[]; on: number[] }>, side: 'off' | 'on'): void => {
  for (const name of Object.keys(LOOPS) as Loop[]) into[name][side].push(nsPerOp(LOOPS[name]));
};
for (let c = 0; c < CYCLES; c++) {
  const s = { getppid: { off: [], on: [] }, sendmsg: { off: [], on: [] } };
  sample(s, 'off');
  const m = new Msgtop(['--probes', 'auto', '--interval', '1']);
  mode = (await m.next(1, 60_000)).probes;
  sample(s, 'on');
  sample(s, 'on');
  if ((await m.stop()) !== 0) throw new Error(`msgtop exited badly: ${m.stderr}`);
  sample(s, 'off');
  cycles.push(s);
}
const figures = Object.fromEntries(
  (Object.keys(LOOPS) as Loop[]).map((name) => {
    const off = median(cycles.flatMap((c) => c[name].off));
    const on = median(cycles.flatMap((c) => c[name].on));
    const perCycle = cycles.map((c) => +(median(c[name].on) / median(c[name].off)).toFixed(2));
    return [name, { off_ns: Math.round(off), on_ns: Math.round(on), ratio: +(on / off).toFixed(2), ratios: perCycle }];
  }),
);
console.log(`FIGURES ${JSON.stringify({ mode, cycles: CYCLES, ...figures })}`);
