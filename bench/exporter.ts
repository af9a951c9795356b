// § 7: `msgtop --prometheus` with many busy processes: how long a scrape of
// /metrics takes, and the exporter's CPU and memory while Prometheus-like
// scrapes come every 15 s or every second.
import type { ChildProcess } from 'node:child_process';
import { cliJs, cpuSeconds, nodeFlags, rel, rss, sleep, start, stop, summarize, type Summary } from './lib.js';
import { startBusy } from './usercost.js';

export interface ScrapeResult {
  everySec: number;
  seconds: number;
  scrapes: number;
  /** Wall ms from request to the last byte. */
  latencyMs: Summary;
  bytes: number;
  series: number;
  cpuPercent: number;
  rssBytes: number;
  hwmBytes: number;
}

export interface ExporterResult {
  processes: number;
  command: string;
  runs: ScrapeResult[];
}

/** The port msgtop says (on stderr) it serves on. */
function servingPort(c: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let err = '';
    const t = setTimeout(() => reject(new Error(`msgtop --prometheus did not start: ${err}`)), 20_000);
    c.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
    c.once('exit', (code) => reject(new Error(`msgtop --prometheus exited (${code}): ${err}`)));
  });
}

async function scrape(port: number): Promise<{ ms: number; text: string }> {
  const t0 = performance.now();
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await r.text();
  if (!r.ok) throw new Error(`scrape: HTTP ${r.status}`);
  return { ms: performance.now() - t0, text };
}

/** One exporter at the default 1 s interval; each plan entry scrapes every `everySec` for `seconds`. */
export async function exporterCost(procs: number, rateHz: number, warmup: number, plan: { everySec: number; seconds: number }[]): Promise<ExporterResult> {
  const total = warmup + plan.reduce((s, p) => s + p.seconds, 0) + 60;
  const busy = await startBusy(procs, rateHz, total);
  const exporter = start(process.execPath, [...nodeFlags, cliJs, '--prometheus', '0']);
  try {
    const port = await servingPort(exporter);
    await sleep(warmup * 1000);
    const runs: ScrapeResult[] = [];
    for (const { everySec, seconds } of plan) {
      const pid = exporter.pid!;
      const c0 = cpuSeconds(pid);
      const t0 = performance.now();
      const ms: number[] = [];
      let last = '';
      while (performance.now() - t0 < seconds * 1000) {
        const tick = performance.now();
        const s = await scrape(port);
        ms.push(s.ms);
        last = s.text;
        await sleep(Math.max(0, everySec * 1000 - (performance.now() - tick)));
      }
      const cpu = cpuSeconds(pid) - c0;
      const wall = (performance.now() - t0) / 1000;
      const m = rss(pid);
      runs.push({
        everySec,
        seconds: wall,
        scrapes: ms.length,
        latencyMs: summarize(ms),
        bytes: Buffer.byteLength(last),
        series: last.split('\n').filter((l) => l.startsWith('msgtop_')).length,
        cpuPercent: (cpu / wall) * 100,
        rssBytes: m.rss,
        hwmBytes: m.hwm,
      });
    }
    return { processes: busy.processes, command: `${busy.command}; ${rel(cliJs)} --prometheus 0`, runs };
  } finally {
    await stop(exporter, 'SIGINT');
    await busy.stop();
  }
}
