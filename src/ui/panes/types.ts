import type { Detail, ProcessRow } from '../../data/model/model.js';

export interface PaneProps {
  row: ProcessRow;
  /** Detail for this very process, or null while it is being collected. */
  detail: Detail | null;
  totals: boolean;
  /** Scroll position (see UiState.scroll). */
  scroll: number;
  width: number;
  height: number;
}
