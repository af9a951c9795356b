// A small column grid for the drill-down panes and event lists: fixed-width
// cells, one growing column, least important columns dropped when narrow.
// Each line is one <Text> of cells joined by a space. Every cell goes
// through escapeControl, so a pane cannot forget to.
import { Text } from 'ink';
import { escapeControl } from '../data/model/sanitize.js';
import { fit, truncate } from './fit.js';

export interface GridColumn<T> {
  label: string;
  width: number;
  /** Right-align (numbers). */
  right?: boolean;
  /** Takes a share of the spare width. */
  grow?: boolean;
  /** Higher survives longer when space runs out; default keeps it always. */
  priority?: number;
  value: (row: T) => string;
}

interface GridProps<T> {
  columns: readonly GridColumn<T>[];
  rows: readonly T[];
  width: number;
  /** Lines for rows, excluding the column header. */
  height: number;
  /** First row shown. */
  offset?: number;
  rowKey: (row: T, index: number) => string;
  emptyText?: string;
}

function fitColumns<T>(columns: readonly GridColumn<T>[], width: number): GridColumn<T>[] {
  const kept = new Set(columns);
  const used = () => [...kept].reduce((n, c) => n + c.width + 1, 0);
  // Columns of equal priority go together (TX and RX bytes, say), lowest first.
  const levels = [...new Set(columns.flatMap((c) => (c.priority === undefined ? [] : [c.priority])))].sort((a, b) => a - b);
  for (const level of levels) {
    if (used() <= width) break;
    for (const c of columns) if (c.priority === level) kept.delete(c);
  }
  const growers = columns.filter((c) => kept.has(c) && c.grow).length;
  const extra = growers > 0 ? Math.floor(Math.max(0, width - used()) / growers) : 0;
  return columns.filter((c) => kept.has(c)).map((c) => (c.grow ? { ...c, width: c.width + extra } : c));
}

export function Grid<T>(props: GridProps<T>) {
  const cols = fitColumns(props.columns, props.width);
  const offset = props.offset ?? 0;
  const visible = props.rows.slice(offset, offset + Math.max(0, props.height));
  return (
    <>
      <Text bold wrap="truncate">
        {cols.map((c) => fit(c.label, c.width, c.right)).join(' ').trimEnd()}
      </Text>
      {visible.length === 0 && props.emptyText !== undefined && <Text dimColor>{props.emptyText}</Text>}
      {visible.map((row, i) => (
        <Text key={props.rowKey(row, offset + i)} wrap="truncate">
          {truncate(cols.map((c) => fit(escapeControl(c.value(row)), c.width, c.right)).join(' ').trimEnd(), props.width)}
        </Text>
      ))}
    </>
  );
}
