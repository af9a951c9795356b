// `msgtop --json`: one JSON object per interval on stdout.
import { jsonLine } from './json.js';
import { filterProcesses } from '../data/model/filter.js';
import type { Model } from '../data/model/model.js';
import { Sampler } from '../data/sample/sampler.js';
import type { Source } from '../data/kernel/source.js';
import type { Options } from './options.js';

/** A supervisor's ways of saying stop: a clean end, status 0. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

export function runJson(source: Source, opts: Options): Promise<number> {
  const sampler = new Sampler(source, { lingerMs: opts.lingerMs, maxExited: opts.maxExited });
  let printed = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      for (const sig of SIGNALS) process.off(sig, finish);
      source.close();
      resolve(0);
    };
    const tick = (): void => {
      const m = sampler.sample();
      if (opts.iterations !== null && printed >= opts.iterations) return finish();
      const out: Model = { ...m, processes: [...filterProcesses(opts, m.processes)] };
      process.stdout.write(jsonLine(out) + '\n');
      printed++;
      timer = setTimeout(tick, opts.intervalMs);
    };
    for (const sig of SIGNALS) process.on(sig, finish);
    sampler.sample(); // baseline at attach; the first line comes one interval later
    timer = setTimeout(tick, opts.intervalMs);
  });
}
