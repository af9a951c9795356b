// The table: renders <App> and re-renders it with each Model a feed hands
// over: the live kernel, sampled every interval, or a recording played back.
import { render } from 'ink';
import type { Model, RecordingStatus } from '../data/model/model.js';
import type { Source } from '../data/kernel/source.js';
import type { Player } from '../record/player.js';
import type { Options } from './options.js';
import { samplerFor } from './run-json.js';
import { App } from '../ui/App.js';
import { SPARK_WIDTH } from '../ui/columns.js';
import type { Controls, ReplayCommand } from '../ui/controls.js';
import type { UiState } from '../ui/state.js';

export { initialUi } from './initial-ui.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** First refresh comes quickly so rates show without waiting a full interval. */
const FIRST_REFRESH_MS = 250;

// Like htop: draw on the alternate screen so quitting gives the shell back
// as it was, whatever way msgtop ends.
const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';

let onAltScreen = false;
function enterAltScreen(): void {
  process.stdout.write(ALT_SCREEN_ON);
  onAltScreen = true;
  process.on('exit', leaveAltScreen);
}
function leaveAltScreen(): void {
  if (!onAltScreen) return;
  onAltScreen = false;
  process.stdout.write(ALT_SCREEN_OFF);
}

/** Where the table's Models come from, and where its requests go. */
export interface TuiFeed {
  /** The Model drawn first. */
  first(): Model;
  /** Hands every later Model to `draw`, from now until close(). */
  start(draw: (m: Model) => void): void;
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
  const sample = (): Model => {
    const m = sampler.sample();
    hooks.onSample?.(m);
    return hooks.recording ? { ...m, recording: hooks.recording() } : m;
  };
  const schedule = (ms: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      draw(sample());
      schedule(intervalMs);
    }, ms);
  };
  return {
    first: sample,
    start: (d) => {
      draw = d;
      schedule(Math.min(FIRST_REFRESH_MS, intervalMs));
    },
    watch: (key) => sampler.watch(key),
    setIntervalMs: (ms) => {
      intervalMs = ms;
      schedule(ms);
    },
    setGlobalEvents,
    close: () => {
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
    watch: (key) => player.watch(key),
    // The recording's own interval and events are what there is.
    setIntervalMs: () => {},
    setGlobalEvents: () => {},
    replay: (cmd) => player.command(cmd),
    close: () => player.close(),
  };
}

export function runTui(feed: TuiFeed, initial: Partial<UiState>): Promise<number> {
  return new Promise((resolve) => {
    const controls: Controls = {
      watch: (key) => feed.watch(key),
      setIntervalMs: (ms) => feed.setIntervalMs(ms),
      setGlobalEvents: (on) => feed.setGlobalEvents(on),
      quit: () => {
        for (const sig of SIGNALS) process.off(sig, controls.quit);
        feed.close();
        app.unmount();
        leaveAltScreen();
        resolve(0);
      },
      ...(feed.replay ? { replay: (cmd: ReplayCommand) => feed.replay!(cmd) } : {}),
    };
    const draw = (m: Model): void => app.rerender(<App model={m} controls={controls} initial={initial} />);
    // Ctrl-C typed arrives as a key (App calls quit); the same signals from
    // another shell, a supervisor or a dropped ssh session must restore the
    // terminal the same way.
    for (const sig of SIGNALS) process.on(sig, controls.quit);
    enterAltScreen();
    const app = render(<App model={feed.first()} controls={controls} initial={initial} />, { exitOnCtrlC: false });
    feed.start(draw);
  });
}
