// The process filter every mode applies, once: --pid / --comm / --container
// from the command line, and the same fields as live UI state in the TUI.
import type { ProcessRow } from './model.js';

export interface ProcessFilter {
  /** Only these pids; empty: any. */
  pids: readonly number[];
  /** Substring of comm. */
  comm: string | null;
  /** Container id prefix, or HOST for processes outside any container. */
  container: string | null;
}

/** The container value that stands for "not in a container". */
export const HOST = 'host';

export const NO_FILTER: ProcessFilter = { pids: [], comm: null, container: null };

export function isFiltering(f: ProcessFilter): boolean {
  return f.pids.length > 0 || f.comm !== null || f.container !== null;
}

export function matches(f: ProcessFilter, p: ProcessRow): boolean {
  if (f.pids.length > 0 && !f.pids.includes(p.pid)) return false;
  if (f.comm !== null && !p.comm.includes(f.comm)) return false;
  if (f.container === null) return true;
  if (f.container === HOST) return p.container === null;
  return p.container !== null && p.container.startsWith(f.container);
}

/** The processes that match; the same array when nothing filters. */
export function filterProcesses(f: ProcessFilter, ps: readonly ProcessRow[]): readonly ProcessRow[] {
  return isFiltering(f) ? ps.filter((p) => matches(f, p)) : ps;
}
