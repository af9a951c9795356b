// The text of the process table's cells, shared by the TUI's <Table> and
// --batch, so both print the same columns the same way.
import type { Column, ColumnId } from './columns.js';
import { isNumeric, SPARK_WIDTH } from './columns.js';
import { fit, textWidth, truncate } from './fit.js';
import { fmtBytes, fmtCount } from './format.js';
import type { TableRow } from './rows.js';
import { sparkline } from './sparkline.js';

/** Numbers and pid are right-aligned; text columns start after a one-space gap (but the first). */
export function rightAligned(c: Column): boolean {
  return c.kind === 'count' || c.kind === 'bytes' || c.id === 'pid';
}

export function gap(c: Column, first: boolean): number {
  return first || rightAligned(c) ? 0 : 1;
}

/** A column's title cell: `pad` spaces, the label (with its sort arrow), then `rest` spaces. */
export function headerCell(c: Column, first: boolean, sort: { by: ColumnId; desc: boolean; totals: boolean }): { pad: string; label: string; rest: string; sorted: boolean } {
  const sorted = c.id === sort.by;
  const text = (sort.totals ? c.total : c.rate) + (sorted ? (sort.desc ? '▼' : '▲') : '');
  const pad = gap(c, first);
  const room = c.width - pad;
  // A right-aligned label is inverse over its whole cell, a left one over the label only.
  const label = rightAligned(c) ? fit(text, room, true) : truncate(text, room);
  return { pad: ' '.repeat(pad), label, rest: ' '.repeat(room - textWidth(label)), sorted };
}

/** COMM cell: the name, and on a folded row how many exited processes it stands for. */
export function commText(row: TableRow): string {
  return row.folded > 0 ? `${row.name} ×${fmtCount(row.folded)} exited` : row.name;
}

/** The text of a text column (user, comm, container, cmdline). */
export function textOf(row: TableRow, c: Column): string {
  return c.id === 'user' ? row.user : c.id === 'ctr' ? row.container || '-' : c.id === 'cmdline' ? row.cmdline : commText(row);
}

/** One cell as printed, gap and padding included, exactly `c.width` columns. */
export function cellText(row: TableRow, c: Column, first: boolean): string {
  if (isNumeric(c.id)) {
    const v = row.values[c.id];
    return fit(c.kind === 'bytes' ? fmtBytes(v) : fmtCount(v), c.width, true);
  }
  if (c.id === 'pid') return fit(row.pid !== null ? String(row.pid) : row.folded > 0 ? '—' : `×${row.count}`, c.width, true);
  if (c.id === 'spark') return ` ${sparkline(row.history, SPARK_WIDTH)}`;
  const pad = gap(c, first);
  return ' '.repeat(pad) + fit(textOf(row, c), c.width - pad);
}
