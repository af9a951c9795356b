import './env.js';
import { render } from 'ink-testing-library';
import { act } from 'react';
import type { Model } from '../../src/data/model/model.js';
import { App } from '../../src/ui/App.js';
import type { Controls } from '../../src/ui/controls.js';
import type { UiState } from '../../src/ui/state.js';

const immediate = () => new Promise<void>((r) => setImmediate(r));

/**
 * Runs an interaction inside act(), which flushes React's work (renders and
 * effects) before returning. The extra setImmediate lets Ink release a lone
 * ESC, which it holds back in case an escape sequence follows.
 */
async function settle(action: () => void): Promise<void> {
  await act(async () => {
    action();
    await immediate();
  });
}

// SGR only: anything else in a frame is a bug the hostile tests look for.
const SGR = /\u001b\[[0-9;]*m/g;
export function plain(frame: string | undefined): string {
  return (frame ?? '').replace(SGR, '');
}

export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  home: '\u001b[H',
  end: '\u001b[F',
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  tab: '\t',
  f1: '\u001bOP',
  f4: '\u001bOS',
  f6: '\u001b[17~',
  f10: '\u001b[21~',
  ctrlC: '\u0003',
  ctrlZ: '\u001a',
};

export type Call = [keyof Controls, unknown];

export function recordingControls(): { controls: Controls; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    controls: {
      watch: (key) => calls.push(['watch', key]),
      setIntervalMs: (ms) => calls.push(['setIntervalMs', ms]),
      setGlobalEvents: (on) => calls.push(['setGlobalEvents', on]),
      suspend: () => calls.push(['suspend', null]),
      quit: () => calls.push(['quit', null]),
      replay: (cmd) => calls.push(['replay', cmd]),
    },
  };
}

interface MountOptions {
  initial?: Partial<UiState>;
  columns?: number;
  rows?: number;
  noColor?: boolean;
}

/** Renders <App> at a given terminal size and gives typed helpers around it. */
export async function mount(model: Model, opt: MountOptions = {}) {
  const { controls, calls } = recordingControls();
  let app!: ReturnType<typeof render>;
  await settle(() => {
    app = render(<App model={model} controls={controls} initial={opt.initial} noColor={opt.noColor} />);
  });
  const resize = async (columns: number, rows: number) => {
    // ink-testing-library's stdout is a fixed 100 columns; shadow its getters.
    Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
    await settle(() => app.stdout.emit('resize'));
  };
  await resize(opt.columns ?? 120, opt.rows ?? 40);
  return {
    ...app,
    calls,
    resize,
    frame: () => plain(app.lastFrame()),
    raw: () => app.lastFrame() ?? '',
    press: async (...keys: string[]) => {
      for (const k of keys) await settle(() => app.stdin.write(k));
    },
    update: async (m: Model) => {
      await settle(() => app.rerender(<App model={m} controls={controls} initial={opt.initial} noColor={opt.noColor} />));
    },
    unmount: () => {
      act(() => app.unmount());
    },
  };
}

/** Data lines of the process table: those starting with a pid (or ×count). */
export function tableLines(frame: string): string[] {
  return frame.split('\n').filter((l) => /^\s*(\d+|×\d+)\s/.test(l));
}

/** comm column of the table lines, in order. */
export function comms(frame: string): string[] {
  return tableLines(frame).map((l) => l.trim().split(/\s+/)[2] ?? '');
}
