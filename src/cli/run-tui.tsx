// The live table: samples the source every interval and re-renders <App>.
import { render } from 'ink';
import type { Model } from '../data/model/model.js';
import { Sampler } from '../data/sample/sampler.js';
import type { Source } from '../data/kernel/source.js';
import type { Options } from './options.js';
import { App } from '../ui/App.js';
import { SPARK_WIDTH } from '../ui/columns.js';
import type { Controls } from '../ui/controls.js';
import type { UiState } from '../ui/state.js';

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

/** The flags that are UI state: the filters start as the user's own, shown
 * on screen and cleared by Esc, never applied behind the table's back. */
export function initialUi(opts: Options): Partial<UiState> {
  return { filter: opts.filter ?? '', pids: opts.pids, comm: opts.comm, container: opts.container, intervalMs: opts.intervalMs };
}

/** `onSample` sees every Model (the exporter next to the table serves it). */
export function runTui(source: Source, opts: Options, setGlobalEvents: (on: boolean) => void, onSample: (m: Model) => void = () => {}): Promise<number> {
  const sampler = new Sampler(source, { lingerMs: opts.lingerMs, maxExited: opts.maxExited, rowHistoryLen: SPARK_WIDTH });
  const initial = initialUi(opts);
  let intervalMs = opts.intervalMs;
  let timer: NodeJS.Timeout | null = null;

  return new Promise((resolve) => {
    const controls: Controls = {
      watch: (key) => sampler.watch(key),
      setIntervalMs: (ms) => {
        intervalMs = ms;
        schedule(ms);
      },
      setGlobalEvents,
      quit: () => {
        if (timer) clearTimeout(timer);
        for (const sig of SIGNALS) process.off(sig, controls.quit);
        app.unmount();
        leaveAltScreen();
        source.close();
        resolve(0);
      },
    };
    const sample = (): Model => {
      const m = sampler.sample();
      onSample(m);
      return m;
    };
    const draw = (m: Model): void => app.rerender(<App model={m} controls={controls} initial={initial} />);
    const schedule = (ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        draw(sample());
        schedule(intervalMs);
      }, ms);
    };
    // Ctrl-C typed arrives as a key (App calls quit); the same signals from
    // another shell, a supervisor or a dropped ssh session must restore the
    // terminal the same way.
    for (const sig of SIGNALS) process.on(sig, controls.quit);
    enterAltScreen();
    const app = render(<App model={sample()} controls={controls} initial={initial} />, { exitOnCtrlC: false });
    schedule(Math.min(FIRST_REFRESH_MS, intervalMs));
  });
}
