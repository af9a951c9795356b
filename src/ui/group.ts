// Container grouping: one row per container ("host" outside containers),
// summing its processes, folded rows included.
import { HOST } from '../data/model/filter.js';
import type { ProcessRow } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { NUMERIC_IDS } from './columns.js';
import { valuesOf, type TableRow } from './rows.js';
import type { UiState } from './state.js';

/** Adds `from` into `into`, aligning both at their newest sample. */
function addHistory(into: number[], from: readonly number[]): void {
  if (from.length > into.length) into.unshift(...new Array<number>(from.length - into.length).fill(0));
  const at = into.length - from.length;
  from.forEach((v, i) => (into[at + i] = (into[at + i] ?? 0) + v));
}

export function groupByContainer(processes: readonly ProcessRow[], ui: Pick<UiState, 'totals' | 'syscall'>): TableRow[] {
  const groups = new Map<string, TableRow>();
  const labels = new Map<string, string>();
  for (const p of processes) {
    const raw = p.container ?? '';
    let label = labels.get(raw);
    if (label === undefined) {
      label = raw === '' ? HOST : escapeControl(raw);
      labels.set(raw, label);
    }
    const values = valuesOf(p, ui);
    // A folded row stands for that many processes.
    const count = p.folded > 0 ? p.folded : 1;
    const g = groups.get(label);
    if (!g) {
      groups.set(label, {
        key: `container:${label}`,
        pid: null,
        count,
        folded: 0,
        user: '',
        name: label,
        cmdline: '',
        container: raw === '' ? '' : label,
        group: label,
        exited: p.exitedAt !== null,
        values,
        history: [...p.history],
        nameHits: [],
        cmdHits: [],
      });
      continue;
    }
    g.count += count;
    g.exited &&= p.exitedAt !== null;
    for (const id of NUMERIC_IDS) g.values[id] += values[id];
    addHistory(g.history, p.history);
  }
  return [...groups.values()];
}
