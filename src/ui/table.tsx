// The ranked process table: one header row, then the visible window of
// rows (App slices it, so only what is drawn crosses as props). Every row is
// one <Text> line of fixed-width cells built as strings; nested spans only
// where the style differs (sort column, sparkline colour, filter matches).
import { Text } from 'ink';
import { memo, type ReactNode } from 'react';
import type { Column } from './columns.js';
import { isNumeric, SPARK_WIDTH } from './columns.js';
import { fit, textWidth, truncate } from './fit.js';
import { fmtBytes, fmtCount } from './format.js';
import { Highlighted } from './highlight.js';
import type { TableRow } from './rows.js';
import { sparkline } from './sparkline.js';
import type { ColumnId } from './columns.js';
import { tint, useTheme } from './theme.js';

interface TableProps {
  /** The rows on screen. */
  rows: readonly TableRow[];
  columns: readonly Column[];
  /** Index of the selected row within `rows`, or -1. */
  selected: number;
  sortBy: ColumnId;
  sortDesc: boolean;
  totals: boolean;
  emptyText: string;
}

/** Numbers and pid are right-aligned; text columns start after a one-space gap (but the first). */
function rightAligned(c: Column): boolean {
  return c.kind === 'count' || c.kind === 'bytes' || c.id === 'pid';
}

function gap(c: Column, first: boolean): number {
  return first || rightAligned(c) ? 0 : 1;
}

const HeaderRow = memo(function HeaderRow(props: Pick<TableProps, 'columns' | 'sortBy' | 'sortDesc' | 'totals'>) {
  // Text before the sorted label, the label itself (inverse) and after it.
  let before = '';
  let label = '';
  let after = '';
  props.columns.forEach((c, i) => {
    const sorted = c.id === props.sortBy;
    const text = (props.totals ? c.total : c.rate) + (sorted ? (props.sortDesc ? '▼' : '▲') : '');
    const pad = gap(c, i === 0);
    const room = c.width - pad;
    // A right-aligned label is inverse over its whole cell, a left one over the label only.
    const shown = rightAligned(c) ? fit(text, room, true) : truncate(text, room);
    const rest = ' '.repeat(room - textWidth(shown));
    if (sorted) {
      before += ' '.repeat(pad);
      label = shown;
      after = rest;
    } else if (label === '') before += ' '.repeat(pad) + shown + rest;
    else after += ' '.repeat(pad) + shown + rest;
  });
  if (label === '') before = before.trimEnd();
  else after = after.trimEnd();
  return (
    <Text bold wrap="truncate">
      {before}
      {label !== '' && (
        <Text underline inverse>
          {label}
        </Text>
      )}
      {after}
    </Text>
  );
});

/** COMM cell: the name, and on a folded row how many exited processes it stands for. */
function commText(row: TableRow): string {
  return row.folded > 0 ? `${row.name} ×${fmtCount(row.folded)} exited` : row.name;
}

const Row = memo(function Row(props: { row: TableRow; columns: readonly Column[]; selected: boolean }) {
  const { row } = props;
  const theme = useTheme();
  const parts: ReactNode[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') parts.push(plain);
    plain = '';
  };
  props.columns.forEach((c, i) => {
    if (isNumeric(c.id)) {
      const v = row.values[c.id];
      plain += fit(c.kind === 'bytes' ? fmtBytes(v) : fmtCount(v), c.width, true);
      return;
    }
    if (c.id === 'pid') {
      plain += fit(row.pid !== null ? String(row.pid) : row.folded > 0 ? '—' : `×${row.count}`, c.width, true);
      return;
    }
    if (c.id === 'spark') {
      plain += ' ';
      const spark = sparkline(row.history, SPARK_WIDTH);
      const color = tint(theme, 'green');
      if (color === undefined) plain += spark;
      else {
        flush();
        parts.push(
          <Text key={c.id} color={color}>
            {spark}
          </Text>,
        );
      }
      return;
    }
    const text = c.id === 'user' ? row.user : c.id === 'ctr' ? row.container || '-' : c.id === 'cmdline' ? row.cmdline : commText(row);
    const hits = c.id === 'comm' ? row.nameHits : c.id === 'cmdline' ? row.cmdHits : [];
    const pad = gap(c, i === 0);
    const cell = fit(text, c.width - pad);
    plain += ' '.repeat(pad);
    if (hits.length === 0) {
      plain += cell;
      return;
    }
    // Highlight what survived the cut; the ellipsis and padding stay plain.
    const cut = truncate(text, c.width - pad);
    const kept = cut === text ? text.length : cut.length - 1;
    flush();
    parts.push(<Highlighted key={c.id} text={text.slice(0, kept)} hits={hits.filter((h) => h < kept)} />);
    plain += cell.slice(kept);
  });
  // The selection bar spans the whole row; other rows end at their last character.
  if (!props.selected) plain = plain.trimEnd();
  flush();
  return (
    <Text wrap="truncate" inverse={props.selected} dimColor={row.exited || row.folded > 0}>
      {parts}
    </Text>
  );
});

export function Table(props: TableProps) {
  return (
    <>
      <HeaderRow columns={props.columns} sortBy={props.sortBy} sortDesc={props.sortDesc} totals={props.totals} />
      {props.rows.length === 0 && <Text dimColor>{props.emptyText}</Text>}
      {props.rows.map((row, i) => (
        <Row key={row.key} row={row} columns={props.columns} selected={i === props.selected} />
      ))}
    </>
  );
}
