#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=1024
// Entry point: flags → a source (the live kernel) → a sink (TUI, JSON or
// the Prometheus exporter).
// V8 takes heap sizes only at launch: here, and in `npm start`. The small
// young generation keeps RSS ~25 MB lower with 2,000 processes for ~1% of a
// core. The 1 GiB old-space limit makes V8 collect when the old generation
// has grown ~1.6× its live size, not 4× as under the default limit: without
// it, RSS swings up by ~60 MB between full collections at 2,000 processes.
import { parseOptions, type Options } from './cli/options.js';
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
  if (opts.allEvents) source.setGlobalEvents(true);
  if (opts.prometheus) {
    const { runPrometheus } = await import('./cli/run-prometheus.js');
    return runPrometheus(source, { ...opts, prometheus: opts.prometheus });
  }
  if (opts.json) {
    const { runJson } = await import('./cli/run-json.js');
    return runJson(source, opts);
  }
  const { runTui } = await import('./cli/run-tui.js');
  return runTui(source, opts);
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
