// The live table: samples the source every interval and re-renders <App>.
import { render, useStdout } from 'ink';
import type { Model } from '../data/model/model.js';
import { Sampler } from '../data/sample/sampler.js';
import type { Source } from '../data/kernel/source.js';
import type { Options } from './options.js';
import { App, type AppProps } from '../ui/App.js';
import { SPARK_WIDTH } from '../ui/columns.js';
import type { Controls } from '../ui/controls.js';
import type { UiState } from '../ui/state.js';
import { enterAltScreen, leaveAltScreen, resumeTerminal, setUnmount, suspendTerminal } from './terminal.js';
import { crashError, testCrash } from './test-crash.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
const SIGQUIT_STATUS = 128 + 3;

/** First refresh comes quickly so rates show without waiting a full interval. */
const FIRST_REFRESH_MS = 250;

/** The flags that are UI state: the filters start as the user's own, shown
 * on screen and cleared by Esc, never applied behind the table's back. */
export function initialUi(opts: Options): Partial<UiState> {
  return { filter: opts.filter ?? '', pids: opts.pids, comm: opts.comm, container: opts.container, intervalMs: opts.intervalMs };
}

/** Ink's write to stdout: it erases its frame, writes, then draws the last
 * frame again in full, which is how a redraw after `fg` is asked for. */
let inkWrite: ((data: string) => void) | null = null;

function Root(props: AppProps) {
  inkWrite = useStdout().write;
  if (testCrash?.where === 'render' && process.uptime() * 1000 >= testCrash.afterMs) throw crashError('render');
  return <App {...props} />;
}

/** `onSample` sees every Model (the exporter next to the table serves it).
 * Resolves 0 when the user quits or a signal ends it; rejects with an error
 * that broke rendering (Ink has unmounted by then). */
export function runTui(source: Source, opts: Options, setGlobalEvents: (on: boolean) => void, onSample: (m: Model) => void = () => {}): Promise<number> {
  const sampler = new Sampler(source, { lingerMs: opts.lingerMs, maxExited: opts.maxExited, rowHistoryLen: SPARK_WIDTH });
  const initial = initialUi(opts);
  let intervalMs = opts.intervalMs;
  let timer: NodeJS.Timeout | null = null;
  let ended = false;

  return new Promise((resolve, reject) => {
    const end = (): void => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      for (const sig of SIGNALS) process.off(sig, onSignal);
      process.off('SIGTSTP', onStop);
      process.off('SIGCONT', onContinue);
      setUnmount(null);
      app.unmount();
      leaveAltScreen();
      source.close();
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
    // screen and the whole frame again, then a fresh sample.
    const resume = (): void => {
      if (ended) return;
      resumeTerminal();
      inkWrite?.('');
      schedule(0);
    };
    const onContinue = (): void => resume();

    const controls: Controls = {
      watch: (key) => sampler.watch(key),
      setIntervalMs: (ms) => {
        intervalMs = ms;
        schedule(ms);
      },
      setGlobalEvents,
      suspend,
      quit: end,
    };
    const sample = (): Model => {
      const m = sampler.sample();
      onSample(m);
      return m;
    };
    const draw = (m: Model): void => app.rerender(<Root model={m} controls={controls} initial={initial} />);
    const schedule = (ms: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        draw(sample());
        schedule(intervalMs);
      }, ms);
    };
    for (const sig of SIGNALS) process.on(sig, onSignal);
    process.on('SIGTSTP', onStop);
    process.on('SIGCONT', onContinue);
    enterAltScreen();
    const app = render(<Root model={sample()} controls={controls} initial={initial} />, { exitOnCtrlC: false });
    setUnmount(() => app.unmount());
    // A component that throws: Ink shows its error screen and unmounts.
    app.waitUntilExit().catch((e: unknown) => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      reject(e);
    });
    schedule(Math.min(FIRST_REFRESH_MS, intervalMs));
  });
}
