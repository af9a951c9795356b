// The live table: samples the source every interval and re-renders <App>.
import { render } from 'ink';
import type { Model } from '../data/model/model.js';
import { Sampler } from '../data/sample/sampler.js';
import type { Source } from '../data/kernel/source.js';
import type { Options } from './options.js';
import { presetMatches } from './preset.js';
import { App } from '../ui/App.js';
import { SPARK_WIDTH } from '../ui/columns.js';
import type { Controls } from '../ui/controls.js';
import type { UiState } from '../ui/state.js';

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

export function runTui(source: Source, opts: Options): Promise<number> {
  const sampler = new Sampler(source, { lingerMs: opts.lingerMs, maxExited: opts.maxExited, rowHistoryLen: SPARK_WIDTH });
  const keep = presetMatches(opts);
  const initial: Partial<UiState> = {
    filter: opts.filter ?? '',
    pid: opts.pids.length === 1 ? opts.pids[0]! : null,
    comm: opts.comm,
    container: opts.container,
  };
  let intervalMs = opts.intervalMs;
  let timer: NodeJS.Timeout | null = null;
  const sample = (): Model => {
    const m = sampler.sample();
    return { ...m, intervalMs, processes: m.processes.filter(keep) };
  };

  return new Promise((resolve) => {
    const controls: Controls = {
      watch: (key) => sampler.watch(key),
      setIntervalMs: (ms) => {
        intervalMs = ms;
        schedule(ms);
      },
      setGlobalEvents: (on) => source.setGlobalEvents(on || opts.allEvents),
      quit: () => {
        if (timer) clearTimeout(timer);
        for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.off(sig, controls.quit);
        app.unmount();
        leaveAltScreen();
        source.close();
        resolve(0);
      },
    };
    const draw = (m: Model): void => app.rerender(<App model={m} controls={controls} initial={initial} />);
    const schedule = (ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        draw(sample());
        schedule(intervalMs);
      }, ms);
    };
    // Ctrl-C arrives as a key (App calls quit); SIGTERM/SIGHUP (a dropped
    // ssh session) must restore the terminal the same way.
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, controls.quit);
    enterAltScreen();
    const app = render(<App model={sample()} controls={controls} initial={initial} />, { exitOnCtrlC: false });
    schedule(Math.min(FIRST_REFRESH_MS, intervalMs));
  });
}
