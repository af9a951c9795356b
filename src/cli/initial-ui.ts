// The flags that are UI state, shared by the table and --batch.
import { effectiveSort } from '../ui/columns.js';
import { initialState, type UiState } from '../ui/state.js';
import { sortDescending, type Options } from './options.js';

/** The flags that are UI state: the filters start as the user's own, shown
 * on screen and cleared by Esc, never applied behind the table's back. */
export function initialUi(opts: Options): Partial<UiState> {
  const ui: Partial<UiState> = { filter: opts.filter ?? '', pids: opts.pids, comm: opts.comm, container: opts.container, intervalMs: opts.intervalMs };
  if (opts.totals) ui.totals = true;
  if (opts.sortBy !== null) {
    ui.sortBy = opts.sortBy;
    ui.sortDesc = sortDescending(opts.sortBy);
  }
  return ui;
}

/** The whole UI state --batch ranks with (no view, no selection). */
export function batchUi(opts: Options): UiState {
  const ui = initialState(initialUi(opts));
  // A column only the per-syscall view has falls back as on screen.
  return { ...ui, sortBy: effectiveSort(ui.sortBy, ui) };
}
