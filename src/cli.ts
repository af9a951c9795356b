#!/usr/bin/env -S node --max-semi-space-size=2 --max-old-space-size=1024
// Entry point: flags → a source (the live kernel, or a recording) → a sink
// (the table, JSON, batch text or the Prometheus exporter).
// V8 takes heap sizes only at launch: here, and in `npm start`. A small
// young generation keeps RSS down for a little CPU; a 1 GiB old-space limit
// makes V8 collect the old generation long before it grows to several times
// its live size (the README says what they save).
import { fchownSync } from 'node:fs';
import { parseOptions, type Options } from './cli/options.js';
import { restoreTerminal } from './cli/terminal.js';
import { crashError, testCrash } from './cli/test-crash.js';
import type { Model, RecordingStatus } from './data/model/model.js';
import { dropPlan } from './data/privileges.js';
import { UserError } from './data/user-error.js';

/** Exit status of an internal error (a bug): sysexits' EX_SOFTWARE. */
const INTERNAL_ERROR = 70;

/** Closed when msgtop ends, however it ends (the BPF links, the recording). */
const toClose: (() => void)[] = [];
function closeAll(): void {
  for (const c of toClose.splice(0)) c();
}

/** Anything nobody caught: the terminal back first (the live table's
 * alternate screen would swallow the message), the programs detached, then
 * one message where the user can read it. */
function fatal(e: unknown): never {
  try {
    restoreTerminal();
  } finally {
    try {
      closeAll();
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
  if (!opts.json && !opts.batch && !opts.prometheus && !process.stdout.isTTY) {
    throw new UserError('stdout is not a terminal: use --json for machine-readable output, or --batch for text', 2);
  }
  process.on('exit', closeAll);
  // A reader that stops reading (`msgtop --json | head`, `--batch | head`) is a normal end.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closeAll();
    process.exit(0);
  });
  if (opts.replay !== null) return replay(opts, opts.replay);
  return live(opts);
}

/** --replay FILE: the recording instead of the kernel; needs no privileges,
 * and never loads the addon. */
async function replay(opts: Options, path: string): Promise<number> {
  const { openRecording } = await import('./record/reader.js');
  const { ReplayModels } = await import('./record/replay.js');
  const recording = await openRecording(path);
  toClose.push(() => recording.close());
  // Cut off at the end (msgtop killed while writing): said once, on stderr.
  if (recording.note !== null && (opts.json || opts.batch)) process.stderr.write(`msgtop: ${recording.note}\n`);
  const { SPARK_WIDTH } = await import('./ui/columns.js');
  if (opts.json || opts.batch) {
    const models = new ReplayModels(recording, { rowHistoryLen: SPARK_WIDTH });
    const { batchText, jsonText } = await import('./cli/run-json.js');
    const format = opts.json ? jsonText(opts) : batchText(opts);
    const n = opts.iterations === null ? models.count : Math.min(opts.iterations, models.count);
    for (let i = 0; i < n; i++) {
      // Back-pressure: a slow reader holds msgtop, not its memory.
      if (!process.stdout.write(format(models.model(i)))) await new Promise((r) => process.stdout.once('drain', r));
    }
    return 0;
  }
  const { Player } = await import('./record/player.js');
  const { runTui, replayFeed, initialUi } = await import('./cli/run-tui.js');
  const player = new Player(new ReplayModels(recording, { rowHistoryLen: SPARK_WIDTH }));
  return runTui(replayFeed(player), { ...initialUi(opts), intervalMs: recording.header.intervalMs });
}

async function live(opts: Options): Promise<number> {
  // Started through sudo: once attached (and listening, for a port below
  // 1024), become the user who ran sudo (README "Privileges").
  const plan = dropPlan(opts);
  // Created before the kernel is touched: a path that cannot be used fails at once.
  let record: ((m: Model) => void) | null = null;
  let recordingStatus: (() => RecordingStatus) | undefined;
  if (opts.record !== null) {
    const { Recorder } = await import('./record/recorder.js');
    const headless = opts.json || opts.batch || (opts.prometheus !== null && !process.stdout.isTTY);
    const recorder = new Recorder({
      path: opts.record,
      version: opts.version,
      intervalMs: opts.intervalMs,
      ipc: opts.ipc,
      // The table shows it in its header; other outputs say it on stderr.
      onError: headless ? (message) => process.stderr.write(`msgtop: ${message}\n`) : undefined,
    });
    toClose.push(() => recorder.close());
    // The file is the user's who ran sudo, as msgtop will be once attached.
    try {
      if (plan) fchownSync(recorder.descriptor!, plan.invoker.uid, plan.invoker.gid);
    } catch (e) {
      throw new UserError(`--record ${opts.record}: cannot give the file to the user who ran sudo: ${(e as Error).message}`);
    }
    record = (m) => recorder.write(m);
    recordingStatus = () => recorder.status();
  }
  // Loaded after the flags are checked so --help and errors stay instant.
  const { LiveSource } = await import('./data/kernel/live.js');
  const source = new LiveSource({ probes: opts.probes, ipc: opts.ipc, ringbufBytes: opts.ringbufBytes, maxProcs: opts.maxProcs });
  // BPF links are fds: the kernel detaches them however we exit, but close
  // early so a signal never leaves them attached while Node winds down.
  toClose.unshift(() => source.close());
  if (testCrash?.where === 'timer') {
    setTimeout(() => {
      throw crashError('timer');
    }, Math.max(0, testCrash.afterMs - process.uptime() * 1000)).unref();
  }
  const drop = (): void => {
    if (plan) source.dropPrivileges(plan);
  };
  // --all-events is applied here only: events for every process stay on
  // whatever the UI asks for when it leaves its events pane.
  const setGlobalEvents = (on: boolean): void => source.setGlobalEvents(on || opts.allEvents);
  if (opts.allEvents) setGlobalEvents(true);
  const onRecord = record ?? ((): void => {});
  if (opts.prometheus) {
    const { runPrometheus, serveMetrics } = await import('./cli/run-prometheus.js');
    const exporter = { ...opts, prometheus: opts.prometheus };
    if (!process.stdout.isTTY) return runPrometheus(source, exporter, drop, onRecord);
    // In a terminal: the table and the exporter in one process, on one
    // sampler (a second msgtop would double the cost in the kernel).
    let latest: Model | null = null;
    const stopServing = await serveMetrics(exporter, () => latest, false);
    drop();
    const { runTui, liveFeed, initialUi } = await import('./cli/run-tui.js');
    const onSample = (m: Model): void => {
      latest = m;
      onRecord(m);
    };
    return runTui(liveFeed(source, opts, setGlobalEvents, { onSample, recording: recordingStatus }), initialUi(opts)).finally(stopServing);
  }
  drop();
  if (opts.json || opts.batch) {
    const { runJson, runBatch } = await import('./cli/run-json.js');
    return (opts.json ? runJson : runBatch)(source, opts, onRecord);
  }
  const { runTui, liveFeed, initialUi } = await import('./cli/run-tui.js');
  return runTui(liveFeed(source, opts, setGlobalEvents, { onSample: onRecord, recording: recordingStatus }), initialUi(opts));
}

main(process.argv.slice(2)).then((code) => {
  closeAll();
  process.exitCode = code;
}, fatal);
