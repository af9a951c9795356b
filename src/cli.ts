#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=1024
// Entry point: flags → a source (the live kernel) → a sink (TUI, JSON or
// the Prometheus exporter).
// V8 takes heap sizes only at launch: here, and in `npm start`. A small
// young generation keeps RSS down for a little CPU; a 1 GiB old-space limit
// makes V8 collect the old generation long before it grows to several times
// its live size (the README says what they save).
import { parseOptions, type Options } from './cli/options.js';
import type { Model } from './data/model/model.js';
import { UserError } from './data/user-error.js';

async function main(argv: string[]): Promise<number> {
  const opts: Options = parseOptions(argv);
  if (!opts.json && !opts.prometheus && !process.stdout.isTTY) {
    throw new UserError('stdout is not a terminal: use --json for machine-readable output', 2);
  }
  // Loaded after the flags are checked so --help and errors stay instant.
  const { LiveSource } = await import('./data/kernel/live.js');
  const source = new LiveSource({ probes: opts.probes, ipc: opts.ipc, ringbufBytes: opts.ringbufBytes, maxProcs: opts.maxProcs });
  // BPF links are fds: the kernel detaches them however we exit, but close
  // early so a signal never leaves them attached while Node winds down.
  process.on('exit', () => source.close());
  // A reader that stops reading (`msgtop --json | head`) is a normal end.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    source.close();
    process.exit(0);
  });
  // --all-events is applied here only: events for every process stay on
  // whatever the UI asks for when it leaves its events pane.
  const setGlobalEvents = (on: boolean): void => source.setGlobalEvents(on || opts.allEvents);
  if (opts.allEvents) setGlobalEvents(true);
  if (opts.prometheus) {
    const { runPrometheus, serveMetrics } = await import('./cli/run-prometheus.js');
    const exporter = { ...opts, prometheus: opts.prometheus };
    if (!process.stdout.isTTY) return runPrometheus(source, exporter);
    // In a terminal: the table and the exporter in one process, on one
    // sampler (a second msgtop would double the cost in the kernel).
    let latest: Model | null = null;
    const stopServing = await serveMetrics(exporter, () => latest, false);
    const { runTui } = await import('./cli/run-tui.js');
    return runTui(source, opts, setGlobalEvents, (m) => (latest = m)).finally(stopServing);
  }
  if (opts.json) {
    const { runJson } = await import('./cli/run-json.js');
    return runJson(source, opts);
  }
  const { runTui } = await import('./cli/run-tui.js');
  return runTui(source, opts, setGlobalEvents);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      process.stderr.write(`msgtop: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    throw e;
  },
);
