#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=1024
// Entry point: flags → a source (the live kernel) → a sink (TUI, JSON or
// the Prometheus exporter).
// V8 takes heap sizes only at launch: here, and in `npm start`. A small
// young generation keeps RSS down for a little CPU; a 1 GiB old-space limit
// makes V8 collect the old generation long before it grows to several times
// its live size (the README says what they save).
import { parseOptions, type Options } from './cli/options.js';
import { restoreTerminal } from './cli/terminal.js';
import { crashError, testCrash } from './cli/test-crash.js';
import type { Model } from './data/model/model.js';
import { dropPlan } from './data/privileges.js';
import { UserError } from './data/user-error.js';

/** Exit status of an internal error (a bug): sysexits' EX_SOFTWARE. */
const INTERNAL_ERROR = 70;

let closeSource: (() => void) | null = null;

/** Anything nobody caught: the terminal back first (the live table's
 * alternate screen would swallow the message), the programs detached, then
 * one message where the user can read it. */
function fatal(e: unknown): never {
  try {
    restoreTerminal();
  } finally {
    try {
      closeSource?.();
    } finally {
      if (e instanceof UserError) {
        process.stderr.write(`msgtop: ${e.message}\n`);
        process.exit(e.exitCode);
      }
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      process.stderr.write(`msgtop: internal error (a bug: please report it):\n${text}\n`);
      process.exit(INTERNAL_ERROR);
    }
  }
}
process.on('uncaughtException', fatal);
// Errors and the exporter's notice go to stderr; if whoever read it has gone,
// there is no one left to tell, and no reason to stop counting or serving.
process.stderr.on('error', () => {});

async function main(argv: string[]): Promise<number> {
  const opts: Options = parseOptions(argv);
  if (!opts.json && !opts.prometheus && !process.stdout.isTTY) {
    throw new UserError('stdout is not a terminal: use --json for machine-readable output', 2);
  }
  // Loaded after the flags are checked so --help and errors stay instant.
  const { LiveSource } = await import('./data/kernel/live.js');
  const source = new LiveSource({ probes: opts.probes, ipc: opts.ipc, ringbufBytes: opts.ringbufBytes, maxProcs: opts.maxProcs });
  closeSource = () => source.close();
  // BPF links are fds: the kernel detaches them however we exit, but close
  // early so a signal never leaves them attached while Node winds down.
  process.on('exit', () => source.close());
  // A reader that stops reading (`msgtop --json | head`) is a normal end.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    source.close();
    process.exit(0);
  });
  if (testCrash?.where === 'timer') {
    setTimeout(() => {
      throw crashError('timer');
    }, Math.max(0, testCrash.afterMs - process.uptime() * 1000)).unref();
  }
  // Started through sudo: once attached (and listening, for a port below
  // 1024), become the user who ran sudo (README "Privileges").
  const plan = dropPlan(opts);
  const drop = (): void => {
    if (plan) source.dropPrivileges(plan);
  };
  // --all-events is applied here only: events for every process stay on
  // whatever the UI asks for when it leaves its events pane.
  const setGlobalEvents = (on: boolean): void => source.setGlobalEvents(on || opts.allEvents);
  if (opts.allEvents) setGlobalEvents(true);
  if (opts.prometheus) {
    const { runPrometheus, serveMetrics } = await import('./cli/run-prometheus.js');
    const exporter = { ...opts, prometheus: opts.prometheus };
    if (!process.stdout.isTTY) return runPrometheus(source, exporter, drop);
    // In a terminal: the table and the exporter in one process, on one
    // sampler (a second msgtop would double the cost in the kernel).
    let latest: Model | null = null;
    const stopServing = await serveMetrics(exporter, () => latest, false);
    drop();
    const { runTui } = await import('./cli/run-tui.js');
    return runTui(source, opts, setGlobalEvents, (m) => (latest = m)).finally(stopServing);
  }
  drop();
  if (opts.json) {
    const { runJson } = await import('./cli/run-json.js');
    return runJson(source, opts);
  }
  const { runTui } = await import('./cli/run-tui.js');
  return runTui(source, opts, setGlobalEvents);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, fatal);
