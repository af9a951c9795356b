// `msgtop --json` and `msgtop --batch`: one JSON object, or one text block,
// per interval on stdout.
import { setImmediate } from 'node:timers/promises';
import { batchBlock } from './batch.js';
import { batchUi } from './initial-ui.js';
import { jsonLine } from './json.js';
import { filterProcesses } from '../data/model/filter.js';
import type { Model } from '../data/model/model.js';
import { Sampler } from '../data/sample/sampler.js';
import type { Source } from '../data/kernel/source.js';
import type { Options } from './options.js';

/** A supervisor's ways of saying stop: a clean end, status 0. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/** The sampler every sink uses; --record also wants each interval's events. */
export function samplerFor(source: Source, opts: Options, extra: { rowHistoryLen?: number } = {}): Sampler {
  return new Sampler(source, { lingerMs: opts.lingerMs, maxExited: opts.maxExited, keepDelivered: opts.record !== null, ...extra });
}

/** Samples every interval and writes what `format` makes of each Model;
 * `onSample` sees every Model after the baseline (the recorder). */
function runPrinted(source: Source, opts: Options, format: (m: Model) => string, onSample: (m: Model) => void): Promise<number> {
  const sampler = samplerFor(source, opts);
  let printed = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      for (const sig of SIGNALS) process.off(sig, finish);
      source.close();
      resolve(0);
    };
    // Sampling and then writing each get turns of their own, so a signal
    // (or the 10 ms stall meter) waits for one step, not for all of them.
    const tick = async (): Promise<void> => {
      const m = await sampler.sampleInTurns(() => done);
      if (!m) return;
      if (opts.iterations !== null && printed >= opts.iterations) return finish();
      await setImmediate();
      if (done) return;
      onSample(m);
      process.stdout.write(format(m));
      printed++;
      timer = setTimeout(() => void tick(), opts.intervalMs);
    };
    for (const sig of SIGNALS) process.on(sig, finish);
    sampler.sample(); // baseline at attach; the first line comes one interval later
    timer = setTimeout(() => void tick(), opts.intervalMs);
  });
}

/** The --json line for a Model, with the --pid/--comm/--container filter applied. */
export function jsonText(opts: Options): (m: Model) => string {
  return (m) => jsonLine({ ...m, processes: [...filterProcesses(opts, m.processes)] }) + '\n';
}

/** The --batch block for a Model. */
export function batchText(opts: Options): (m: Model) => string {
  const ui = batchUi(opts);
  return (m) => batchBlock(m, ui, opts.rows);
}

export function runJson(source: Source, opts: Options, onSample: (m: Model) => void = () => {}): Promise<number> {
  return runPrinted(source, opts, jsonText(opts), onSample);
}

export function runBatch(source: Source, opts: Options, onSample: (m: Model) => void = () => {}): Promise<number> {
  return runPrinted(source, opts, batchText(opts), onSample);
}
