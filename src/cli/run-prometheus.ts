// `msgtop --prometheus [ADDR:]PORT`: serves /metrics, headless (no terminal:
// a service, a pod) or next to the live table in one process.
// It samples on the interval, like every other sink, and a scrape maps the
// newest Model: one Sampler owns the kernel maps (it forgets exited
// processes' keys after reading their last counts), so scrapes must not
// drive it; and a short-lived process gets its container and command line
// only if a sample catches it alive, however rarely Prometheus scrapes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Model } from '../data/model/model.js';
import { matches } from '../data/model/filter.js';
import type { Source } from '../data/kernel/source.js';
import { UserError } from '../data/user-error.js';
import { formatListen, type ListenAddress } from '../export/listen.js';
import { createRegistry } from '../export/metrics.js';
import type { Options } from './options.js';
import { samplerFor } from './run-json.js';

type ExporterOptions = Options & { prometheus: ListenAddress };

/** A supervisor's ways of saying stop: a clean end, status 0. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** Serves /metrics for the newest Model `latest` gives; resolves once
 * listening, with a function that stops it. `announce` says where on stderr
 * (not under the TUI, which owns the terminal). */
export async function serveMetrics(opts: ExporterOptions, latest: () => Model | null, announce: boolean): Promise<() => void> {
  const registry = createRegistry({
    topK: opts.top,
    maxSeries: opts.maxSeries,
    version: opts.version,
    keep: (p) => matches(opts, p),
    latest,
  });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(path === '/' ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(path === '/' ? 'msgtop: see /metrics\n' : 'not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (e: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${String(e)}\n`),
    );
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the address is in use' : e.code === 'EADDRNOTAVAIL' ? 'no such local address' : e.message;
      reject(new UserError(`cannot listen on ${formatListen(opts.prometheus)}: ${why}`, 1));
    });
    server.listen(opts.prometheus.port, opts.prometheus.host, resolve);
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : opts.prometheus.port;
  if (announce) process.stderr.write(`msgtop: serving http://${formatListen({ host: opts.prometheus.host, port })}/metrics\n`);
  return () => {
    server.close();
    server.closeAllConnections();
  };
}

/** Headless: samples every interval and serves the newest Model.
 * `listening` runs once the port is bound (privileges are dropped then);
 * `onSample` sees every Model after the first (the recorder). */
export async function runPrometheus(
  source: Source,
  opts: ExporterOptions,
  listening: () => void = () => {},
  onSample: (m: Model) => void = () => {},
): Promise<number> {
  const sampler = samplerFor(source, opts);
  let latest: Model | null = sampler.sample();
  const stopServing = await serveMetrics(opts, () => latest, true);
  listening();

  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    let samples = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      for (const sig of SIGNALS) process.off(sig, finish);
      stopServing();
      source.close();
      resolve(0);
    };
    // Scrapes that come while a sample is built (in steps) get the last
    // whole one.
    const tick = async (): Promise<void> => {
      const m = await sampler.sampleInTurns(() => done);
      if (!m) return;
      latest = m;
      onSample(latest);
      if (opts.iterations !== null && ++samples >= opts.iterations) return finish();
      timer = setTimeout(() => void tick(), opts.intervalMs);
    };
    for (const sig of SIGNALS) process.on(sig, finish);
    timer = setTimeout(() => void tick(), opts.intervalMs);
  });
}
