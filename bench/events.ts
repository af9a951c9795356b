// Event stream: how many events per second reach JS, and whether every
// event produced is accounted for (produced = delivered + dropped).
//  a) the addon alone (bench/events-probe.ts): kernel submitted/dropped
//     counters against the events JS received;
//  b) msgtop --json --all-events end to end: drops.ringbuf and, when the
//     JSON line has it, events {submitted, delivered}.
import { join } from 'node:path';
import { cliJs, collect, msggen, noteProgs, rel, root, runGenReady, sleep, start, stop, waitLine } from './lib.js';

export interface ProbeResult {
  command: string;
  flood: string;
  produced: number;
  submitted: number;
  dropped: number;
  delivered: number;
  batches: number;
  /** Events delivered per second over the flood (first to last delivery). */
  deliveredPerSec: number;
  /** Messages the generator made per second. */
  floodRate: number;
  balanced: boolean;
  /** submitted - delivered at the end (events other processes made after the drain). */
  inFlight: number;
}

async function flood(genArgs: string[]): Promise<{ msgs: number; rate: number }> {
  const res = await runGenReady(genArgs);
  let msgs = 0;
  let longest = 0;
  for (const r of res) {
    longest = Math.max(longest, r.elapsed_ns);
    for (const o of Object.values(r.ops)) msgs += o.messages;
  }
  return { msgs, rate: msgs / (longest / 1e9) };
}

export async function runEventProbe(genArgs: string[]): Promise<ProbeResult> {
  const probeJs = join(root, 'dist', 'bench', 'events-probe.js');
  const c = start(process.execPath, [probeJs]);
  try {
    await waitLine(c, /^ready/, 20_000);
    noteProgs(c.pid!);
    const f = await flood(genArgs);
    const line = waitLine(c, /^\{/, 60_000);
    c.stdin!.end('\n');
    const r = JSON.parse(await line) as {
      submitted: number;
      dropped: number;
      delivered: number;
      batches: number;
      firstMs: number;
      lastMs: number;
    };
    const inFlight = r.submitted - r.delivered;
    return {
      command: `node ${rel(probeJs)}  (LiveSource sock, setGlobalEvents(true), counts Buffers/EVENT_RECORD)`,
      flood: `${rel(msggen)} ${genArgs.join(' ')} --wait`,
      produced: r.submitted + r.dropped,
      submitted: r.submitted,
      dropped: r.dropped,
      delivered: r.delivered,
      batches: r.batches,
      deliveredPerSec: r.delivered / ((r.lastMs - r.firstMs) / 1000 || 1),
      floodRate: f.rate,
      // The kernel counters include other processes' events; after the
      // drain only events made in the last moment may still be in flight.
      balanced: inFlight >= 0 && inFlight <= Math.max(100, r.submitted * 1e-4) && r.submitted + r.dropped >= f.msgs,
      inFlight,
    };
  } finally {
    await stop(c, 'SIGTERM');
  }
}

export interface MsgtopEventsResult {
  command: string;
  hasEventsField: boolean;
  dropped: number;
  submitted: number | null;
  delivered: number | null;
  floodMessages: number;
  balanced: boolean | null;
}

export async function runMsgtopEvents(genArgs: string[]): Promise<MsgtopEventsResult> {
  const args = [cliJs, '--json', '--all-events', '--probes', 'sock', '--ipc', 'off', '--interval', '0.5'];
  const m = start(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(m);
  const lines = () => out.lines.filter((l) => l.startsWith('{'));
  try {
    const t0 = Date.now();
    while (lines().length < 1) {
      if (m.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`msgtop did not start: ${out.stderr()}`);
      await sleep(50);
    }
    noteProgs(m.pid!);
    const first = JSON.parse(lines()[0]!) as { drops: Record<string, number>; events?: { submitted: number; delivered: number } };
    const f = await flood(genArgs);
    const have = lines().length;
    while (lines().length < have + 3) {
      if (m.exitCode !== null) throw new Error(`msgtop exited: ${out.stderr()}`);
      await sleep(50);
    }
    const last = JSON.parse(lines()[lines().length - 1]!) as typeof first;
    const ev = last.events;
    const dropped = (last.drops['ringbuf'] ?? 0) - (first.drops['ringbuf'] ?? 0);
    const submitted = ev ? ev.submitted - (first.events?.submitted ?? 0) : null;
    const delivered = ev ? ev.delivered - (first.events?.delivered ?? 0) : null;
    return {
      command: `node ${rel(cliJs)} ${args.slice(1).join(' ')}`,
      hasEventsField: ev !== undefined,
      dropped,
      submitted,
      delivered,
      floodMessages: f.msgs,
      balanced: ev ? submitted! - delivered! >= 0 && submitted! - delivered! <= 100 && submitted! + dropped >= f.msgs : null,
    };
  } finally {
    await stop(m, 'SIGINT');
  }
}
