// `npm run bench [-- --quick] [-- --out FILE] [-- --strict]`: what msgtop
// costs, measured side by side in one run, printed as one markdown table
// plus the command lines used. See bench/README.md.
//   --quick   short smoke variant (~2 min): fewer/smaller repetitions, no
//             thresholds asserted; exits non-zero only if something broke
//             (a count mismatch, a tool failing, a BPF program left behind)
//   --out F   also write the report to F
//   --strict  (full run) exit 1 when a target is missed
//   --only S  run only these sections, e.g. --only 5 or --only 5,6 (7: the
//             Prometheus exporter; 8: process churn; 9: soak and 10,000
//             live processes; 10: --record)
//   --reps N  §1+2 repetitions (default 9; 2 with --quick)
//   --conditions IDS  §1+2 conditions to run, e.g. msgtop-sock,floor-sock
//             (a focused comparison with more repetitions in the same time)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runEventProbe, runMsgtopEvents, type MsgtopEventsResult, type ProbeResult } from './events.js';
import { runExact, type ExactResult } from './exact.js';
import { exporterCost, type ExporterResult } from './exporter.js';
import { floorBin, foreignTracers, killAll, leftovers, loadAvg, progs, root, summarize, type Summary } from './lib.js';
import { notStarted, ratioSummary, runOverhead, runProgCosts, workloads, type OverheadResult, type ProgCost } from './overhead.js';
import { churnCost, type ChurnResult, type Usage } from './churn.js';
import { manyLive, soak, type LiveResult, type SoakResult } from './soak.js';
import { recordCost, type RecordResult } from './record.js';
import { conditions } from './tracers.js';
import {
  frameTime,
  jsonStartup,
  tuiBusy,
  tuiIdle,
  tuiStartup,
  type BusyResult,
  type IdleResult,
  type FrameResult,
  type StartupResult,
} from './usercost.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const strict = argv.includes('--strict');
const outFile = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : undefined;
const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '').split(',') : null;
const condIds = argv.includes('--conditions') ? (argv[argv.indexOf('--conditions') + 1] ?? '').split(',') : null;
const repsArg = argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : null;
if (repsArg !== null && !(Number.isInteger(repsArg) && repsArg > 0)) {
  process.stderr.write('--reps takes a whole number above 0\n');
  process.exit(2);
}

const CFG = quick
  ? {
      reps: 2,
      rounds: 1,
      progRounds: 1,
      scale: { sendmsg: 20_000, mmsg: 2_500, vlen: 8, getppid: 200_000 },
      exactMmsg: ['--procs', '4', '--transport', 'unix', '--mmsg', '2000', '--vlen', '64', '--size', '16'],
      exactSendmsg: null as string[] | null,
      exactModes: ['sock'] as const,
      flood: ['--procs', '2', '--transport', 'unix', '--mmsg', '2000', '--vlen', '64'],
      idle: { warmup: 1, seconds: 4, steadyAfter: 10, steadySeconds: 4 },
      busy: { procs: 200, warmup: 3, seconds: 4, rateHz: 1 },
      frame: { processes: 10_000, frames: 3, warmup: 5 },
      startupReps: 2,
      exporter: { procs: 200, warmup: 3, plan: [{ everySec: 15, seconds: 16 }, { everySec: 1, seconds: 5 }] },
      churn: { children: 10_000, idle: 3, after: 5 },
      soak: { procs: 200, rateHz: 100, seconds: 20, judgedFrom: 5 },
      live: { procs: 1000, warmup: 5, seconds: 5 },
      record: { procs: 200, warmup: 3, seconds: 5 },
    }
  : {
      reps: 9,
      rounds: 3,
      progRounds: 5,
      scale: { sendmsg: 100_000, mmsg: 12_500, vlen: 8, getppid: 1_000_000 },
      exactMmsg: ['--procs', '4', '--transport', 'unix', '--mmsg', '20000', '--vlen', '64', '--size', '16'],
      exactSendmsg: ['--procs', '4', '--transport', 'unix', '--sendmsg', '300000', '--size', '16'] as string[] | null,
      exactModes: ['sock', 'syscalls'] as const,
      flood: ['--procs', '2', '--transport', 'unix', '--mmsg', '20000', '--vlen', '64'],
      idle: { warmup: 3, seconds: 20, steadyAfter: 60, steadySeconds: 40 }, // ~1 % of a core is ~40 ticks in 40 s
      busy: { procs: 2000, warmup: 8, seconds: 20, rateHz: 1 },
      frame: { processes: 10_000, frames: 20, warmup: 60 },
      startupReps: 5,
      exporter: { procs: 2000, warmup: 10, plan: [{ everySec: 15, seconds: 60 }, { everySec: 1, seconds: 30 }] },
      churn: { children: 100_000, idle: 10, after: 70 },
      // The issue's soak: 10 minutes, judged over the last 8.
      soak: { procs: 2000, rateHz: 100, seconds: 600, judgedFrom: 120 },
      live: { procs: 10_000, warmup: 20, seconds: 30 },
      record: { procs: 2000, warmup: 8, seconds: 30 },
    };

const log = (s: string) => process.stderr.write(s + '\n');
const problems: string[] = [];

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    killAll('SIGTERM');
    setTimeout(() => process.exit(130), 500);
  });
}
process.on('exit', () => killAll('SIGTERM'));

function preflight(): { bpftrace: boolean } {
  if (process.getuid?.() !== 0) throw new Error('the benchmark needs root (BPF)');
  for (const f of ['dist/msgtop.mjs', 'test/workload/msggen', 'native/build/Release/msgtop.node']) {
    if (!existsSync(`${root}/${f}`)) throw new Error(`${f} missing: run npm run build`);
  }
  if (!existsSync('/sys/kernel/tracing/events/syscalls')) {
    spawnSync('mount', ['-t', 'tracefs', 'tracefs', '/sys/kernel/tracing']);
  }
  const mk = spawnSync('make', ['-s', '-C', root, 'bench-floor'], { encoding: 'utf8' });
  if (mk.status !== 0 || !existsSync(floorBin)) throw new Error(`make bench-floor failed: ${mk.stderr}`);
  const bt = spawnSync('bpftrace', ['--version'], { encoding: 'utf8' });
  return { bpftrace: bt.status === 0 };
}

// ---- formatting ----------------------------------------------------------

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}%` : '–');
const mb = (x: number) => (Number.isFinite(x) ? `${(x / 1048576).toFixed(0)} MB` : '–');
const ratioCell = (s: Summary) => `${f3(s.median)}×`;
const spreadCell = (s: Summary, f = f3) => (s.n ? `IQR ${f(s.q1)}–${f(s.q3)}; min–max ${f(s.min)}–${f(s.max)}` : '–');

interface Row {
  sec: string;
  what: string;
  cond: string;
  value: string;
  spread: string;
  n: string;
  target: string;
  verdict: string;
}
const rows: Row[] = [];
const misses: string[] = [];
function row(r: Omit<Row, 'verdict'>, ok?: boolean | null): void {
  const verdict = ok === undefined || ok === null ? '' : ok ? 'ok' : 'MISS';
  if (ok === false) misses.push(`${r.what} — ${r.cond}: ${r.value} (target ${r.target})`);
  rows.push({ ...r, verdict });
}

function overheadRows(o: OverheadResult): void {
  for (const w of o.workloads) {
    const sec = w.id === 'getppid' ? '2' : '1';
    const base = summarize(o.nsPerOp['none']![w.id]!);
    row({ sec, what: w.label, cond: 'no tracer', value: `${f0(base.median)} ns`, spread: spreadCell(base, f0), n: String(base.n), target: w.unit });
    for (const c of o.conditions.slice(1)) {
      const s = ratioSummary(o, c.id, w.id);
      const ns = summarize(o.nsPerOp[c.id]![w.id]!);
      let target = '';
      let ok: boolean | undefined;
      if (c.id === 'msgtop-sock') {
        const lim = w.id === 'getppid' ? 1.02 : 1.05;
        target = `≤ ${lim}×`;
        ok = s.median <= lim;
      }
      row({ sec, what: w.label, cond: c.label, value: `${ratioCell(s)} (${f0(ns.median)} ns)`, spread: spreadCell(s), n: String(s.n), target }, quick ? undefined : ok);
    }
    const own = o.nsPerOp['msgtop-sock']?.[w.id] ?? [];
    const empty = o.nsPerOp['floor-sock']?.[w.id] ?? [];
    if (w.id !== 'getppid' && own.length && own.length === empty.length) {
      // Same repetition, same minute: what msgtop's own work adds on top of
      // the price of the hooks themselves.
      const s = summarize(own.map((x, i) => x / empty[i]!));
      row({ sec, what: w.label, cond: 'msgtop default ÷ empty programs on the same hooks: its own work (diagnostic)', value: ratioCell(s), spread: spreadCell(s), n: String(s.n), target: '' });
    }
    if (w.id !== 'getppid' && o.ratio['bpftrace-syscalls']) {
      const m = ratioSummary(o, 'msgtop-sock', w.id).median - 1;
      for (const bt of ['bpftrace-syscalls', 'bpftrace-sock']) {
        if (!o.ratio[bt]) continue;
        const b = ratioSummary(o, bt, w.id).median - 1;
        // msgtop's median can land under the no-tracer runs: its overhead is
        // then below what this machine can resolve, shown as 0.
        const q = b > 0 ? Math.max(m, 0) / b : NaN;
        row(
          {
            sec,
            what: w.label,
            cond: `msgtop default overhead ÷ ${bt} overhead`,
            value: Number.isFinite(q) ? (m <= 0 ? '0 (within noise)' : f2(q)) : '–',
            spread: `(${f3(m + 1)} − 1) ÷ (${f3(b + 1)} − 1), medians`,
            n: '',
            target: bt === 'bpftrace-syscalls' ? '≤ 0.25' : '',
          },
          quick || bt !== 'bpftrace-syscalls' || !Number.isFinite(q) ? undefined : q <= 0.25,
        );
      }
      if (o.ratio['floor-sock']) {
        // What the hooks alone take of that budget, before any program work.
        const e = ratioSummary(o, 'floor-sock', w.id).median - 1;
        const b = ratioSummary(o, 'bpftrace-syscalls', w.id).median - 1;
        row({
          sec,
          what: w.label,
          cond: 'empty programs on msgtop\'s hooks: overhead ÷ bpftrace-syscalls overhead (diagnostic)',
          value: b > 0 ? f2(Math.max(e, 0) / b) : '–',
          spread: `(${f3(e + 1)} − 1) ÷ (${f3(b + 1)} − 1), medians`,
          n: '',
          target: '',
        });
      }
    }
  }
}

function exactRows(rs: ExactResult[]): void {
  for (const r of rs) {
    row(
      {
        sec: '3',
        what: `exact counts under load: ${r.workload}`,
        cond: `msgtop --probes=${r.mode}`,
        value: `${r.match ? 'MATCH' : 'MISMATCH'} at ${(r.rate / 1e6).toFixed(2)}M msgs/s`,
        spread: `${f0(r.messages)} datagrams sent+received (${(r.sentRate / 1e6).toFixed(2)}M sent/s); same command untraced just before: ${(r.baseRate / 1e6).toFixed(2)}M msgs/s; ringbuf drops ${r.drops['ringbuf'] ?? '?'}, map full ${(r.drops['counter_map_full'] ?? 0) + (r.drops['errno_map_full'] ?? 0)}, state lost ${r.drops['state_lost'] ?? '?'}`,
        n: '1',
        target: 'MATCH at ≥ 1M msgs/s',
      },
      r.match && (quick || r.rate >= 1e6),
    );
    if (!r.match) problems.push(`count mismatch (${r.mode}, ${r.workload}): ${r.mismatches.slice(0, 5).join('; ')}`);
  }
}

function eventRows(p: ProbeResult | null, m: MsgtopEventsResult | null): void {
  if (p) {
    row(
      {
        sec: '4',
        what: 'event stream, addon → JS',
        cond: 'LiveSource, all events',
        value: `${f0(p.deliveredPerSec)} events/s delivered`,
        spread: `produced ${f0(p.produced)} = delivered ${f0(p.delivered)} + dropped ${f0(p.dropped)} + in flight ${f0(p.inFlight)}; ${f0(p.batches)} batches; flood ${(p.floodRate / 1e6).toFixed(2)}M msgs/s`,
        n: '1',
        target: 'produced = delivered + dropped',
      },
      p.balanced,
    );
    if (!p.balanced) problems.push(`event accounting off: ${JSON.stringify(p)}`);
  }
  if (m) {
    row(
      {
        sec: '4',
        what: 'event stream, msgtop --json --all-events',
        cond: 'msgtop sock',
        value: m.hasEventsField
          ? `submitted ${f0(m.submitted!)}, delivered ${f0(m.delivered!)}, dropped ${f0(m.dropped)}`
          : `dropped (drops.ringbuf) ${f0(m.dropped)}; no "events" field in the JSON yet`,
        spread: `flood ${f0(m.floodMessages)} msgs`,
        n: '1',
        target: 'produced = delivered + dropped',
      },
      m.balanced,
    );
  }
}

function cpuRows(idle: IdleResult | null, busy: BusyResult | null): void {
  if (idle) {
    const s = idle.steady;
    row({ sec: '5', what: 'TUI CPU, 1 Hz, no extra load, start-up', cond: 'msgtop TUI (tmux 120×40)', value: pct(idle.cpuPercent), spread: `${CFG.idle.warmup}–${CFG.idle.warmup + idle.seconds} s after start (V8 still compiling)`, n: '1', target: '' });
    row({ sec: '5', what: 'TUI CPU, 1 Hz, no extra load, steady', cond: 'msgtop TUI (tmux 120×40)', value: pct(s.cpuPercent), spread: `${s.after}–${s.after + s.seconds} s after start`, n: '1', target: '≤ 2% of a core' }, quick ? undefined : s.cpuPercent <= 2);
    row({ sec: '5', what: 'TUI RSS, no extra load', cond: 'msgtop TUI', value: mb(s.rssBytes), spread: `peak ${mb(s.hwmBytes)}`, n: '1', target: '≤ 150 MB' }, quick ? undefined : s.hwmBytes <= 150 * 1048576);
  }
  if (busy) {
    row({ sec: '5', what: `TUI CPU, 1 Hz, ${busy.processes} active processes`, cond: 'msgtop TUI (tmux 120×40)', value: pct(busy.cpuPercent), spread: `over ${busy.seconds} s`, n: '1', target: '≤ 10% of a core' }, quick ? undefined : busy.cpuPercent <= 10);
    row({ sec: '5', what: `TUI RSS, ${busy.processes} active processes`, cond: 'msgtop TUI', value: mb(busy.rssBytes), spread: `peak ${mb(busy.hwmBytes)}`, n: '1', target: '≤ 150 MB' }, quick ? undefined : busy.hwmBytes <= 150 * 1048576);
  }
}

function frameRows(fs: FrameResult[]): void {
  for (const f of fs) {
    row(
      {
        sec: '5',
        what: `frame: rows + render of <App>, ${f0(f.processes)} processes`,
        cond: 'ink-testing-library rerender, 120×40, new Model each frame',
        value: `${f0(f.cpu.median)} ms CPU (${f0(f.frames.median)} ms wall)`,
        spread: `after ${f.warmup} warm-up frames; CPU ${spreadCell(f.cpu, f0)}; wall ${spreadCell(f.frames, f0)}; first ${f.cpu.n} frames after mount ${f0(f.coldCpu.median)} ms CPU; first mount ${f0(f.firstMs)} ms`,
        n: String(f.cpu.n),
        target: '≤ 30 ms',
      },
      quick ? undefined : f.cpu.median <= 30,
    );
  }
}

function startupRows(j: StartupResult | null, t: StartupResult | null): void {
  if (j) row({ sec: '6', what: 'start → first output', cond: 'msgtop --json --iterations 1 --interval 0.1', value: `${f0(j.ms.median)} ms`, spread: spreadCell(j.ms, f0), n: String(j.ms.n), target: '≤ 1000 ms' }, quick ? undefined : j.ms.median <= 1000);
  if (t) row({ sec: '6', what: 'start → first frame', cond: 'msgtop TUI in tmux', value: `${f0(t.ms.median)} ms`, spread: spreadCell(t.ms, f0), n: String(t.ms.n), target: '≤ 1000 ms' }, quick ? undefined : t.ms.median <= 1000);
}

function table(): string {
  const head = ['§', 'measure', 'condition', 'median', 'spread', 'n', 'target', ''];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${[r.sec, r.what, r.cond, r.value, r.spread, r.n, r.target, r.verdict].join(' | ')} |`);
  return lines.join('\n');
}

/**
 * The same comparisons by BPF run time, which machine noise hardly moves:
 * msgtop ÷ bpftrace, and the loop ratio that msgtop's program time implies.
 * Both msgtop and the empty programs are timed with statistics on, whose
 * clock reads cost the same in each, so their difference is msgtop's own work.
 */
function progRatioRows(pc: ProgCost[], o: OverheadResult | null): void {
  for (const w of ['sendmsg', 'mmsg']) {
    const what = w === 'sendmsg' ? 'sendmsg+recvmsg loop' : 'sendmmsg+recvmmsg loop';
    const m = pc.find((p) => p.cond === 'msgtop-sock' && p.workload === w);
    const b = pc.find((p) => p.cond === 'bpftrace-syscalls' && p.workload === w);
    const floor = pc.find((p) => p.cond === 'floor-sock-stats' && p.workload === w);
    const base = o ? summarize(o.nsPerOp['none']![w] ?? []).median : NaN;
    if (m && b && b.nsPerOp > 0) {
      row({
        sec: '1',
        what,
        cond: 'msgtop default BPF run time ÷ bpftrace-syscalls BPF run time',
        value: f2(m.nsPerOp / b.nsPerOp),
        spread: `${f0(m.nsPerOp)} ns ÷ ${f0(b.nsPerOp)} ns per op (kernel.bpf_stats_enabled pass)`,
        n: '1',
        target: '',
      });
    }
    if (m && floor && Number.isFinite(base)) {
      row({
        sec: '1',
        what,
        cond: 'msgtop default: loop ratio implied by BPF run time (diagnostic)',
        value: `${f3(1 + (m.nsPerOp - floor.nsPerOp) / base)}×`,
        spread: `1 + (${f0(m.nsPerOp)} − ${f0(floor.nsPerOp)} ns of empty programs with stats) ÷ ${f0(base)} ns untraced`,
        n: '1',
        target: '',
      });
    }
  }
}

function progCostText(pc: ProgCost[]): string {
  const out: string[] = [];
  for (const p of pc) {
    const per = p.programs.map((x) => `${x.name} ${f0(x.nsPerRun)} ns × ${f0(x.runs)}`).join(', ');
    out.push(`- ${p.cond} / ${p.workload}: ${f0(p.nsPerOp)} ns of BPF per op — ${per || 'no runs'}`);
  }
  return out.join('\n');
}

// ---- main ----------------------------------------------------------------------

function exporterRows(e: ExporterResult | null): void {
  if (!e) return;
  for (const r of e.runs) {
    const cond = `scraped every ${r.everySec} s, ${e.processes} processes`;
    const spread = `max ${f0(r.latencyMs.max)} ms; ${r.series} msgtop series, ${(r.bytes / 1024).toFixed(0)} KiB`;
    row({ sec: '7', what: 'exporter: scrape of /metrics, request → last byte', cond, value: `${f0(r.latencyMs.median)} ms`, spread, n: String(r.scrapes), target: '' });
    row({ sec: '7', what: 'exporter CPU (sampling every 1 s + scrapes)', cond, value: pct(r.cpuPercent), spread: `over ${r.seconds.toFixed(0)} s`, n: '1', target: '' });
    row({ sec: '7', what: 'exporter RSS', cond, value: mb(r.rssBytes), spread: `peak ${mb(r.hwmBytes)}`, n: '1', target: '' });
  }
}

function churnRows(c: ChurnResult | null): void {
  if (!c) return;
  const cond = `${f0(c.processes)} processes in ${c.seconds.toFixed(0)} s`;
  const use = (u: Usage) => `${pct(u.cpuPercent)} · ${mb(u.rssPeakBytes)}`;
  const after = `${CFG.churn.after} s from 5 s after`;
  for (const [who, k] of [['--json', 'json'], ['TUI', 'tui']] as const) {
    row({ sec: '8', what: `${who} CPU · RSS peak, before the churn (idle)`, cond: 'msgtop --json and the TUI at once', value: use(c.idleBefore[k]), spread: `over ${CFG.churn.idle} s`, n: '1', target: '' });
    row({ sec: '8', what: `${who} CPU · RSS peak, during the churn`, cond, value: use(c.during[k]), spread: '', n: '1', target: '≤ 150 MB' }, quick ? undefined : c.during[k].rssPeakBytes <= 150 * 1048576);
    row({ sec: '8', what: `${who} CPU · RSS peak, after the churn`, cond, value: use(c.after[k]), spread: after, n: '1', target: 'CPU ≤ idle + 1 point, ≤ 150 MB' }, quick ? undefined : c.after[k].cpuPercent <= c.idleBefore[k].cpuPercent + 1 && c.after[k].rssPeakBytes <= 150 * 1048576);
  }
  row({ sec: '8', what: '--json line bytes: before · largest · last', cond, value: `${f0(c.lineBytes.before)} · ${f0(c.lineBytes.max)} · ${f0(c.lineBytes.last)}`, spread: '', n: '1', target: 'largest ≤ 2 MB' }, c.lineBytes.max <= 2 << 20);
  row({ sec: '8', what: 'totals per (comm, syscall) = what was sent; nothing map-full', cond, value: c.exact && c.mapFull === 0 ? 'MATCH' : `MISMATCH ${c.mismatch} map-full ${c.mapFull}`, spread: '', n: '1', target: 'MATCH' }, c.exact && c.mapFull === 0);
  row({ sec: '8', what: 'eviction: addon thread CPU per exited process', cond, value: `${c.evictUsPerProc.toFixed(1)} µs`, spread: '', n: '1', target: '' });
  row({ sec: '8', what: 'eviction: exit hook BPF run time per process exit', cond: 'any process exiting on the machine', value: `${f0(c.exitHookNs)} ns`, spread: 'kernel.bpf_stats_enabled on for the churn', n: '1', target: '' });
}

function soakRows(s: SoakResult | null, l: LiveResult | null): void {
  if (s) {
    const cond = `${f0(s.processes)} processes × ${s.rateHz} msgs/s, ${s.seconds} s`;
    const spread = `from ${s.judgedFrom} s to the end`;
    for (const [who, u] of [['TUI', s.tui], ['--json', s.json]] as const) {
      row({ sec: '9', what: `soak: ${who} CPU`, cond, value: pct(u.cpuPercent), spread, n: '1', target: '≤ 10% of a core' }, quick ? undefined : u.cpuPercent <= 10);
      row(
        { sec: '9', what: `soak: ${who} RSS flat`, cond, value: `±${(u.rss.stray * 100).toFixed(1)}%`, spread: `${mb(u.rss.min)}–${mb(u.rss.max)}, median ${mb(u.rss.median)}, ${spread}`, n: '1', target: '±10%' },
        quick ? undefined : u.rss.stray <= 0.1,
      );
      row({ sec: '9', what: `soak: ${who} longest event-loop stall`, cond, value: `${f0(u.stallMaxMs)} ms`, spread, n: '1', target: '≤ 100 ms' }, quick ? undefined : u.stallMaxMs <= 100);
      row({ sec: '9', what: `soak: ${who} longest sample (building one Model)`, cond, value: `${f0(u.sampleMaxMs)} ms`, spread, n: '1', target: '' });
    }
    row({ sec: '9', what: 'soak: every process\'s sendmsg/recvmsg totals = what it sent', cond, value: s.exact ? 'MATCH' : `MISMATCH ${s.mismatch}`, spread: 'the workers stay alive after their last message', n: '1', target: 'MATCH' }, s.exact);
  }
  if (l) {
    const cond = `${f0(l.processes)} live processes, 1 msg/s each`;
    const spread = `over ${l.seconds} s`;
    row({ sec: '9', what: 'TUI CPU', cond, value: pct(l.cpuPercent), spread, n: '1', target: '≤ 15% of a core' }, quick ? undefined : l.cpuPercent <= 15);
    row({ sec: '9', what: 'TUI RSS peak', cond, value: mb(l.rssPeakBytes), spread, n: '1', target: '≤ 150 MB' }, quick ? undefined : l.rssPeakBytes <= 150 * 1048576);
    row({ sec: '9', what: 'TUI frame: longest drawing of one Model', cond, value: `${f0(l.max.frame)} ms`, spread, n: '1', target: '≤ 30 ms' }, quick ? undefined : l.max.frame <= 30);
    row({ sec: '9', what: 'TUI longest sample (building one Model)', cond, value: `${f0(l.max.sample)} ms`, spread, n: '1', target: '' });
    row({ sec: '9', what: 'TUI longest event-loop stall', cond, value: `${f0(l.max.stall)} ms`, spread, n: '1', target: '' });
  }
}

function recordRows(r: RecordResult | null): void {
  if (!r) return;
  const cond = `${r.processes} active processes, 1 s interval`;
  const [none, plain, gzip] = r.runs;
  if (!none || !plain || !gzip) return;
  for (const run of [plain, gzip]) {
    const kind = run === plain ? 'plain' : 'gzip';
    const per = run.bytes !== null && run.intervals ? run.bytes / run.intervals : NaN;
    row({ sec: '10', what: `--record: bytes per interval, ${kind}`, cond, value: `${f0(per / 1024)} KiB`, spread: `${f0(run.bytes ?? NaN)} bytes over ${run.intervals ?? 0} intervals; ${f0((per * 3600) / 1048576)} MiB an hour`, n: '1', target: '' });
  }
  for (const run of [plain, gzip]) {
    const kind = run === plain ? 'plain' : 'gzip';
    const rp = run.replay;
    if (!rp) continue;
    const what = `--replay of that file (${rp.intervals} intervals), ${kind}`;
    row({ sec: '10', what: `${what}: open (read and check every line)`, cond, value: `${f0(rp.openMs / rp.intervals)} ms per interval`, spread: `${f0(rp.openMs)} ms in all`, n: '1', target: '' });
    row({ sec: '10', what: `${what}: one step`, cond, value: `${f0(rp.stepMs)} ms`, spread: 'every interval in turn, the first to the last', n: String(rp.intervals), target: '' });
    row({ sec: '10', what: `${what}: open a process (History reads back)`, cond, value: `${f0(rp.openProcessMs)} ms`, spread: 'at the last interval, nothing read before', n: '1', target: '' });
  }
  for (const run of [plain, gzip]) {
    const kind = run === plain ? 'plain' : 'gzip';
    const extra = run.cpuPercent - none.cpuPercent;
    row({
      sec: '10',
      what: `--record: the recorder's extra CPU, ${kind}`,
      cond,
      value: `${extra >= 0 ? '+' : ''}${f2(extra)} points`,
      spread: `${run.label} ${pct(run.cpuPercent)} vs ${none.label} ${pct(none.cpuPercent)}, side by side over ${r.seconds.toFixed(0)} s`,
      n: '1',
      target: '',
    });
  }
}

async function section<T>(name: string, f: () => Promise<T>): Promise<T | null> {
  if (only && !only.some((s) => name.startsWith(s))) return null;
  const t0 = Date.now();
  log(`== ${name}`);
  try {
    const r = await f();
    log(`   (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return r;
  } catch (e) {
    problems.push(`${name}: ${(e as Error).message}`);
    log(`   FAILED: ${(e as Error).message}`);
    return null;
  }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const { bpftrace } = preflight();
  const conds = conditions(bpftrace).filter((c) => !condIds || condIds.includes(c.id));
  if (condIds && conds.length !== condIds.length) {
    log(`--conditions: known ids are ${conditions(bpftrace).map((c) => c.id).join(', ')}`);
    process.exit(2);
  }
  if (repsArg !== null) CFG.reps = repsArg;
  const ws = workloads(CFG.scale);
  const header = [
    `# msgtop cost benchmark${quick ? ' (--quick smoke run: thresholds not asserted)' : ''}`,
    '',
    `${new Date().toISOString()} · kernel ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()} · ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}) · node ${process.version} · load at start ${loadAvg()}`,
  ];
  if (!bpftrace) header.push('', 'bpftrace not found: its rows are missing (scripts/setup.sh --test installs it).');
  const foreign0 = foreignTracers();
  if (foreign0.length) {
    header.push('', `WARNING: ${foreign0.length} tracing BPF programs of other processes are loaded at start (${[...new Set(foreign0.map((p) => p.name))].slice(0, 6).join(', ')}): if they are attached, the no-tracer baseline is not clean.`);
  }
  log(header.join('\n'));

  const ov = await section(`1+2 kernel-side overhead (${CFG.reps} interleaved repetitions × ${conds.length + 1} conditions)`, () =>
    runOverhead(conds, ws, CFG.reps, CFG.rounds, log),
  );
  const pc = await section(`1b BPF run time per program (kernel.bpf_stats_enabled=1, separate pass, best of ${CFG.progRounds})`, () =>
    runProgCosts(
      conds.filter((c) => c.id !== 'floor-syscalls' && c.id !== 'bpftrace-sock'),
      ws.filter((w) => w.id !== 'getppid'),
      CFG.progRounds,
      log,
    ),
  );
  const exact: ExactResult[] = [];
  await section('3 exactness under load', async () => {
    for (const mode of CFG.exactModes) {
      exact.push(await runExact(mode, CFG.exactMmsg, `${CFG.exactMmsg.join(' ')}`));
      if (CFG.exactSendmsg) exact.push(await runExact(mode, CFG.exactSendmsg, `${CFG.exactSendmsg.join(' ')}`));
    }
  });
  const probe = await section('4a event stream: addon → JS', () => runEventProbe(CFG.flood));
  const mev = await section('4b event stream: msgtop --json --all-events', () => runMsgtopEvents(CFG.flood));
  const idle = await section('5a TUI idle', () => tuiIdle(CFG.idle.warmup, CFG.idle.seconds, CFG.idle.steadyAfter, CFG.idle.steadySeconds));
  const busy = await section(`5b TUI with ${CFG.busy.procs} active processes`, () =>
    tuiBusy(CFG.busy.procs, CFG.busy.warmup, CFG.busy.seconds, CFG.busy.rateHz),
  );
  const frames: FrameResult[] = [];
  await section('5c frame time', async () => {
    frames.push(frameTime(CFG.frame.processes, CFG.frame.frames, CFG.frame.warmup));
  });
  const js = await section('6a start → first JSON line', () => jsonStartup(CFG.startupReps));
  const tui = await section('6b start → first TUI frame', () => tuiStartup(CFG.startupReps));
  const churn = await section(`8 ${CFG.churn.children.toLocaleString('en-US')} short-lived processes`, () => churnCost(CFG.churn.children, CFG.churn.idle, CFG.churn.after));
  const soaked = await section(`9a soak: ${CFG.soak.procs.toLocaleString('en-US')} processes × ${CFG.soak.rateHz} msgs/s for ${CFG.soak.seconds} s`, () =>
    soak(CFG.soak.procs, CFG.soak.rateHz, CFG.soak.seconds, CFG.soak.judgedFrom),
  );
  const live = await section(`9b ${CFG.live.procs.toLocaleString('en-US')} live processes, 1 msg/s each`, () => manyLive(CFG.live.procs, CFG.live.warmup, CFG.live.seconds));
  const exp = await section(`7 Prometheus exporter with ${CFG.exporter.procs} active processes`, () =>
    exporterCost(CFG.exporter.procs, CFG.busy.rateHz, CFG.exporter.warmup, CFG.exporter.plan),
  );
  const rec = await section(`10 --record with ${CFG.record.procs} active processes`, () => recordCost(CFG.record.procs, CFG.busy.rateHz, CFG.record.warmup, CFG.record.seconds));

  if (ov) overheadRows(ov);
  if (pc) progRatioRows(pc, ov);
  exactRows(exact);
  eventRows(probe, mev);
  cpuRows(idle, busy);
  frameRows(frames);
  startupRows(js, tui);
  exporterRows(exp);
  churnRows(churn);
  soakRows(soaked, live);
  recordRows(rec);

  // A condition left out is a measurement that did not happen.
  problems.push(...notStarted);

  // Nothing of ours may stay loaded.
  await new Promise((r) => setTimeout(r, 500));
  const left = leftovers();
  if (left.length) problems.push(`BPF programs left loaded: ${left.map((p) => `${p.id}:${p.name}`).join(', ')}`);

  const notes: string[] = [];
  if (ov && ov.foreignSamples > 0) {
    header.push('', `WARNING: other processes' tracing BPF programs were loaded during ${ov.foreignSamples} of ${ov.samples} overhead samples; if attached, they slow the no-tracer baseline too and shrink every ratio.`);
  }
  if (ov) {
    notes.push(
      `- Overhead: ${CFG.reps} repetitions; in each, every condition runs between two no-tracer runs (none, A, none, B, …; order rotated per repetition) and its ratio is ns/op ÷ the mean of those two; ns/op is the workload's own CPU time (msggen's cpu_ns: BPF programs run in, and are charged to, the task that fires them; time spent waiting for a CPU on this shared machine is left out). Each attachment runs every loop ${CFG.rounds}× and keeps the fastest. msgtop runs at its default 1 Hz with --ipc off (so another session's SysV queues cannot switch on syscall tracepoints mid-run; with no queues that is what --ipc auto does), measured after its first output line.`,
      `- bpftrace is given the cheapest equivalent it can express: exit tracepoints only (count + sum(ret) per (pid, probe)), on sendmsg, recvmsg, sendmmsg, recvmmsg, msgsnd — msgtop's syscalls mode does enter+exit, bytes, errors, errnos. A second bpftrace row uses the same sock tracepoints as msgtop's default mode (as perf-event tracepoints, not raw).`,
      `- Foreign tracing BPF programs (other sessions) were loaded during ${ov.foreignSamples} of ${ov.samples} samples${ov.foreignNames.size ? `: ${[...ov.foreignNames].slice(0, 8).join(', ')}` : ''}. Load averages per repetition: ${ov.loads.join(' · ')}.`,
    );
  }
  if (idle || frames.length) {
    notes.push(
      `- TUI CPU idle is judged on a window ${CFG.idle.steadyAfter} s after start: at one frame a second V8 keeps compiling the hot code (on its helper threads) for about a minute, which the start-up window right after the first frame includes. Frame time is judged after ${CFG.frame.warmup} untimed frames for the same reason; the first frames after mount are reported next to it.`,
    );
  }
  notes.push(`- Load at end ${loadAvg()}; total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s. BPF programs of ours still loaded at the end: ${left.length}; total programs loaded now: ${progs().length}.`);

  const commands: string[] = [];
  if (ov) commands.push(...ov.commands.map((c) => `- ${c}`));
  for (const e of exact) commands.push(`- §3 ${e.mode}: \`${e.msgtopCommand}\` with \`${e.command}\``);
  if (probe) commands.push(`- §4a: \`${probe.command}\` with \`${probe.flood}\``);
  if (mev) commands.push(`- §4b: \`${mev.command}\``);
  if (busy) commands.push(`- §5b: ${busy.command}`);
  commands.push(`- §5a/5b/6b: tmux -L msgtop-bench-PID new-session -d -x 120 -y 40 'exec env -u CI node dist/msgtop.mjs'; CPU = Δ(utime+stime) of that pid from /proc/PID/stat over the window; RSS = VmRSS/VmHWM`);
  for (const f of frames) commands.push(`- §5c: \`${f.command}\``);
  if (js) commands.push(`- §6a: \`${js.command}\``);
  if (tui) commands.push(`- §6b: ${tui.command}`);
  if (soaked) commands.push(`- §9a: ${soaked.command}; CPU and RSS as in §5, RSS every second; stalls and samples: the \`cost.loop_stall_ms\` and \`cost.sample_ms\` of every --json line (its stdout a file, never a pipe the bench could be slow to drain) and the TUI header's \`stall Nms (sample N, frame N)\`, read every second`);
  if (live) commands.push(`- §9b: ${live.command}; stall, sample and frame read from the header every 0.5 s`);
  if (churn) commands.push(`- §8: ${churn.command}; CPU and RSS of both pids as in §5, sampled every 200 ms; eviction CPU = utime+stime of the addon's msgtop-evict thread`);
  if (exp) commands.push(`- §7: ${exp.command}; scrapes are GET /metrics from the bench (fetch), CPU and RSS of the exporter's pid as in §5`);
  if (rec) commands.push(`- §10: ${rec.command}; CPU of each pid as in §5; bytes and intervals are what each file grew by over the same window`);

  const report = [
    ...header,
    '',
    table(),
    '',
    '## How measured',
    ...notes,
    '',
    '## BPF run time per program (diagnostic)',
    pc ? progCostText(pc) : '(not measured)',
    '',
    '## Command lines',
    ...commands,
    '',
    misses.length ? `## Targets missed\n${misses.map((m) => `- ${m}`).join('\n')}` : '## Targets: all met (or not asserted)',
    problems.length ? `\n## PROBLEMS\n${problems.map((p) => `- ${p}`).join('\n')}` : '',
  ].join('\n');
  process.stdout.write(report + '\n');
  if (outFile) writeFileSync(outFile, report + '\n');
  if (problems.length) return 1;
  if (strict && !quick && misses.length) return 1;
  return 0;
}

main().then(
  (code) => {
    killAll('SIGTERM');
    process.exit(code);
  },
  (e: unknown) => {
    killAll('SIGTERM');
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
