// Inside a kernel guest: what msgtop attached in the mode `auto` picks costs
// a getppid loop (a syscall msgtop does not trace) and a sendmsg+recvmsg loop,
// as ratios against no tracer, repetitions interleaved (off, on, on, off, …)
// so drift in the emulator falls on both sides. Prints one FIGURES line of
// JSON for the host (test/kernels/run.sh). Figures, not a pass/fail test.
import { Msgtop, runGen } from '../integration/harness.js';

const REPS = Number(process.env['TAX_REPS'] ?? 4);
const LOOPS = {
  getppid: ['--getppid', process.env['TAX_GETPPID'] ?? '200000'],
  sendmsg: ['--sendmsg', process.env['TAX_SENDMSG'] ?? '20000'],
} as const;

function nsPerOp(args: readonly string[]): number {
  const [r] = runGen([...args], 1);
  return r!.cpu_ns / Number(args[1]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const samples: Record<keyof typeof LOOPS, { off: number[]; on: number[] }> = {
  getppid: { off: [], on: [] },
  sendmsg: { off: [], on: [] },
};
let mode = '';
for (let i = 0; i < 2 * REPS; i++) {
  const on = i % 4 === 1 || i % 4 === 2;
  const m = on ? new Msgtop(['--probes', 'auto', '--interval', '1']) : null;
  if (m) mode = (await m.next(1, 60_000)).probes;
  for (const [name, args] of Object.entries(LOOPS) as [keyof typeof LOOPS, readonly string[]][]) {
    samples[name][on ? 'on' : 'off'].push(nsPerOp(args));
  }
  if (m && (await m.stop()) !== 0) throw new Error(`msgtop exited badly: ${m.stderr}`);
}
const figures = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => [
    name,
    { off_ns: Math.round(median(s.off)), on_ns: Math.round(median(s.on)), ratio: +(median(s.on) / median(s.off)).toFixed(2),
      ratios: s.on.map((v, k) => +(v / s.off[k]!).toFixed(2)) },
  ]),
);
console.log(`FIGURES ${JSON.stringify({ mode, reps: REPS, ...figures })}`);
