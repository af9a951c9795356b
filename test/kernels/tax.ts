// Inside a kernel guest booted for the tax (msgtop.run=tax: one CPU, qemu
// -icount, so the guest's clock counts the instructions the guest executes):
// what a tracer costs a getppid loop (a syscall msgtop does not trace) and a
// sendmsg+recvmsg loop, as ratios of CPU time per operation against no
// tracer. Tracers: msgtop in every mode of MSGTOP_PROBES (`auto` for the
// first, the one it picks), and empty programs on each mode's hooks
// (bench/floor). Each cycle runs off, on, on, off (one tracer start per
// cycle: Node takes seconds to start under TCG).
// Prints one FIGURES line of JSON for the host (test/kernels/run.sh), and
// fails unless the modes without syscall tracepoints leave getppid alone
// and cost the sendmsg loop no more than `syscalls` mode does.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Msgtop, probeModes, runGen } from '../integration/harness.js';

const CYCLES = Number(process.env['TAX_CYCLES'] ?? 2);
const LOOPS = {
  getppid: ['--getppid', process.env['TAX_GETPPID'] ?? '100000'],
  sendmsg: ['--sendmsg', process.env['TAX_SENDMSG'] ?? '10000'],
} as const;
type Loop = keyof typeof LOOPS;
const FLOOR = process.env['MSGTOP_FLOOR'] ?? '/t/bin/floor';
const FLOOR_OBJ = process.env['MSGTOP_FLOOR_OBJ'] ?? '/t/bin/floor.bpf.o';
const cmdline = readFileSync('/proc/cmdline', 'utf8');
// `npm test` finds this file under dist/test/ too: it measures only in a guest.
if (!/\bmsgtop\.run=tax\b/.test(cmdline)) process.exit(0);
/** The most a tracer that does not hook getppid may cost it. */
const UNTOUCHED = 1.02;

/** A tracer attached until the returned function detaches it. */
type Tracer = () => Promise<() => Promise<void>>;

function msgtop(probes: string, expect: string): Tracer {
  return async () => {
    const m = new Msgtop(['--probes', probes, '--interval', '1']);
    const first = await m.next(1, 120_000);
    if (first.probes !== expect) throw new Error(`msgtop --probes ${probes} runs ${first.probes}, not ${expect}`);
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
  const [r] = runGen([...args]);
  return r!.cpu_ns / Number(args[1]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round = (x: number, digits: number): number => +x.toFixed(digits);

interface Figure {
  off_ns: number;
  on_ns: number;
  /** Median on ÷ median off. */
  ratio: number;
  /** Every run with the tracer ÷ the median without: the spread. */
  ratios: number[];
}

async function measure(tracer: Tracer): Promise<Record<Loop, Figure>> {
  const runs: Record<Loop, { off: number[]; on: number[] }> = { getppid: { off: [], on: [] }, sendmsg: { off: [], on: [] } };
  const sample = (side: 'off' | 'on'): void => {
    for (const name of Object.keys(LOOPS) as Loop[]) runs[name][side].push(nsPerOp(LOOPS[name]));
  };
  for (let c = 0; c < CYCLES; c++) {
    sample('off');
    const detach = await tracer();
    sample('on');
    sample('on');
    await detach();
    sample('off');
  }
  const figure = ({ off, on }: { off: number[]; on: number[] }): Figure => {
    const o = median(off);
    return { off_ns: round(o, 1), on_ns: round(median(on), 1), ratio: round(median(on) / o, 3), ratios: on.map((x) => round(x / o, 3)) };
  };
  return { getppid: figure(runs.getppid), sendmsg: figure(runs.sendmsg) };
}

const started = Date.now();
const figures: Record<string, Record<Loop, Figure>> = {};
const withMsgtop = new Map<string, Record<Loop, Figure>>();
for (const [i, mode] of probeModes.entries()) {
  const f = await measure(msgtop(i ? mode : 'auto', mode));
  withMsgtop.set(mode, f);
  figures[`msgtop ${mode}${i ? '' : ' (auto)'}`] = f;
  figures[`empty ${mode}`] = await measure(floor(mode));
}
console.log(`FIGURES ${JSON.stringify({ cycles: CYCLES, seconds: Math.round((Date.now() - started) / 1000), figures })}`);

const failures: string[] = [];
const syscalls = withMsgtop.get('syscalls');
if (!syscalls) throw new Error('MSGTOP_PROBES has no syscalls mode to compare with');
// The measurement must see the tax it is there to rule out, or it proves nothing.
if (syscalls.getppid.ratio <= UNTOUCHED) failures.push(`syscall tracepoints cost getppid only ${syscalls.getppid.ratio}x: the measurement does not see them`);
for (const [mode, f] of withMsgtop) {
  if (mode === 'syscalls') continue;
  if (f.getppid.ratio > UNTOUCHED) failures.push(`msgtop ${mode} costs getppid ${f.getppid.ratio}x (at most ${UNTOUCHED}x)`);
  if (f.sendmsg.ratio > syscalls.sendmsg.ratio) failures.push(`msgtop ${mode} costs the sendmsg loop ${f.sendmsg.ratio}x, syscalls mode ${syscalls.sendmsg.ratio}x`);
}
for (const f of failures) console.log(`MSGTOP-GUEST FAIL ${f}`);
process.exit(failures.length ? 1 : 0);
