// --pid / --comm / --container: filters given at start, shared by sinks.
import type { ProcessRow } from '../data/model/model.js';
import type { Options } from './options.js';

export function presetMatches(opts: Pick<Options, 'pids' | 'comm' | 'container'>): (p: ProcessRow) => boolean {
  return (p) =>
    (opts.pids.length === 0 || opts.pids.includes(p.pid)) &&
    (opts.comm === null || p.comm.includes(opts.comm)) &&
    (opts.container === null || (p.container ?? '').startsWith(opts.container));
}
