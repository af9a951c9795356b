// The table: renders <App> and re-renders it with each Model a feed hands
// over: the live kernel, sampled every interval, or a recording played back.
import { render, useStdout } from 'ink';
import { setImmediate } from 'node:timers/promises';
import type { Model, RecordingStatus } from '../data/model/model.js';
import type { Source } from '../data/kernel/source.js';
import type { Player } from '../record/player.js';
import type { Options } from './options.js';
import { samplerFor } from './run-json.js';
import { App, type AppProps } from '../ui/App.js';
import { SPARK_WIDTH } from '../ui/columns.js';
import type { Controls, ReplayCommand } from '../ui/controls.js';
import type { UiState } from '../ui/state.js';
import { enterAltScreen, leaveAltScreen, resumeTerminal, setUnmount, suspendTerminal } from './terminal.js';
import { crashError, testCrash } from './test-crash.js';

export { initialUi } from './initial-ui.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
const SIGQUIT_STATUS = 128 + 3;

/** First refresh comes quickly so rates show without waiting a full interval. */
const FIRST_REFRESH_MS = 250;

/** Ink's write to stdout: it erases its frame, writes, then draws the last
 * frame again in full, which is how a redraw after `fg` is asked for. */
let inkWrite: ((data: string) => void) | null = null;

function Root(props: AppProps) {
  inkWrite = useStdout().write;
  if (testCrash?.where === 'render' && process.uptime() * 1000 >= testCrash.afterMs) throw crashError('render');
  return <App {...props} />;
}

/** Where the table's Models come from, and where its requests go. */
export interface TuiFeed {
  /** The Model drawn first. */
  first(): Model;
  /** Hands every later Model to `draw`, from now until close(). */
  start(draw: (m: Model) => void): void;
  /** A new Model now (after `fg`). */
  refresh(): void;
  watch(key: string | null): void;
  setIntervalMs(ms: number): void;
  setGlobalEvents(on: boolean): void;
  replay?(cmd: ReplayCommand): void;
  close(): void;
}

export interface LiveHooks {
  /** Sees every Model (the exporter next to the table serves it, the recorder writes it). */
  onSample?: (m: Model) => void;
  /** Shown in the header: where --record writes, or why it stopped. */
  recording?: () => RecordingStatus;
}

/** The live kernel: a sampler read every interval (+ and - change it). */
export function liveFeed(source: Source, opts: Options, setGlobalEvents: (on: boolean) => void, hooks: LiveHooks = {}): TuiFeed {
  const sampler = samplerFor(source, opts, { rowHistoryLen: SPARK_WIDTH });
  let intervalMs = opts.intervalMs;
  let timer: NodeJS.Timeout | null = null;
  let draw: (m: Model) => void = () => {};
  let closed = false;
  let building = false;
  const seen = (m: Model): Model => {
    hooks.onSample?.(m);
    return hooks.recording ? { ...m, recording: hooks.recording() } : m;
  };
  // The sample's steps and then the frame each get a turn of their own: a
  // key pressed meanwhile is answered within one step, not after them all.
  const tick = async (): Promise<void> => {
    if (building) return; // the sample under way schedules the next
    building = true;
    const m = await sampler.sampleInTurns(() => closed);
    if (m) await setImmediate();
    building = false;
    if (closed || !m) return;
    draw(seen(m));
    schedule(intervalMs);
  };
  const schedule = (ms: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), ms);
  };
  return {
    first: () => seen(sampler.sample()),
    start: (d) => {
      draw = d;
      schedule(Math.min(FIRST_REFRESH_MS, intervalMs));
    },
    refresh: () => schedule(0),
    watch: (key) => sampler.watch(key),
    setIntervalMs: (ms) => {
      intervalMs = ms;
      schedule(ms);
    },
    setGlobalEvents,
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      source.close();
    },
  };
}

/** A recording, played back by the replay keys. */
export function replayFeed(player: Player): TuiFeed {
  return {
    first: () => player.current(),
    start: (draw) => player.start(draw),
    // The frame Ink draws again after `fg` is the current interval.
    refresh: () => {},
    watch: (key) => player.watch(key),
    // The recording's own interval and events are what there is.
    setIntervalMs: () => {},
    setGlobalEvents: () => {},
    replay: (cmd) => player.command(cmd),
    close: () => player.close(),
  };
}

/** Resolves 0 when the user quits or a signal ends it; rejects with an error
 * that broke rendering (Ink has unmounted by then). */
export function runTui(feed: TuiFeed, initial: Partial<UiState>): Promise<number> {
  let ended = false;
  return new Promise((resolve, reject) => {
    const end = (): void => {
      if (ended) return;
      ended = true;
      for (const sig of SIGNALS) process.off(sig, onSignal);
      process.off('SIGTSTP', onStop);
      process.off('SIGCONT', onContinue);
      setUnmount(null);
      feed.close();
      app.unmount();
      leaveAltScreen();
      resolve(0);
    };
    // Ctrl-C typed arrives as a key (App calls quit); the same signals from
    // another shell, a supervisor or a dropped ssh session restore the
    // terminal the same way. For INT, TERM and HUP, Ink's signal-exit then
    // raises the signal again once this listener is gone, so msgtop ends by
    // it (a shell reports 128 + its number). QUIT would dump core that way:
    // it ends with the same status instead.
    const onSignal = (sig: NodeJS.Signals): void => {
      end();
      if (sig === 'SIGQUIT') process.exit(SIGQUIT_STATUS);
    };
    // Ctrl-Z (a key in raw mode) or SIGTSTP from outside: give the shell its
    // screen and cooked mode, then stop as SIGTSTP's default action does, so
    // the shell reports the job stopped. The kernel keeps counting.
    const suspend = (): void => {
      if (ended) return;
      suspendTerminal();
      process.off('SIGTSTP', onStop); // no listener: libuv restores the default action
      process.kill(process.pid, 'SIGTSTP'); // stopped here until SIGCONT
      process.on('SIGTSTP', onStop);
      // Continued (or never stopped: an orphaned process group ignores it).
      resume();
    };
    const onStop = (): void => suspend();
    // fg, or a SIGCONT after anyone's SIGSTOP: raw mode, the alternate
    // screen and the whole frame again, then a fresh Model.
    const resume = (): void => {
      if (ended) return;
      resumeTerminal();
      inkWrite?.('');
      feed.refresh();
    };
    const onContinue = (): void => resume();

    const controls: Controls = {
      watch: (key) => feed.watch(key),
      setIntervalMs: (ms) => feed.setIntervalMs(ms),
      setGlobalEvents: (on) => feed.setGlobalEvents(on),
      suspend,
      quit: end,
      ...(feed.replay ? { replay: (cmd: ReplayCommand) => feed.replay!(cmd) } : {}),
    };
    // Each Model carries how long the one before it took to draw (React and
    // Ink's output, synchronous): the header shows it next to the sample's.
    let frameMs = 0;
    const draw = (m: Model): void => {
      const t0 = performance.now();
      app.rerender(<Root model={{ ...m, cost: { ...m.cost, frameMs } }} controls={controls} initial={initial} />);
      frameMs = performance.now() - t0;
    };
    for (const sig of SIGNALS) process.on(sig, onSignal);
    process.on('SIGTSTP', onStop);
    process.on('SIGCONT', onContinue);
    enterAltScreen();
    const app = render(<Root model={feed.first()} controls={controls} initial={initial} />, { exitOnCtrlC: false });
    setUnmount(() => app.unmount());
    // A component that throws: Ink shows its error screen and unmounts.
    app.waitUntilExit().catch((e: unknown) => {
      if (ended) return;
      ended = true;
      feed.close();
      reject(e);
    });
    feed.start(draw);
  });
}
