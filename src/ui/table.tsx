// The ranked process table: one header row, then the visible window of
// rows (App slices it, so only what is drawn crosses as props). Every row is
// one <Text> line of fixed-width cells built as strings; nested spans only
// where the style differs (sort column, sparkline colour, filter matches).
import { Box, Text } from 'ink';
import { memo, type ReactNode } from 'react';
import { cellText, gap, headerCell, textOf } from './cells.js';
import type { Column } from './columns.js';
import { SPARK_WIDTH } from './columns.js';
import { fit, truncate } from './fit.js';
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

const HeaderRow = memo(function HeaderRow(props: Pick<TableProps, 'columns' | 'sortBy' | 'sortDesc' | 'totals'>) {
  // Text before the sorted label, the label itself (inverse) and after it.
  let before = '';
  let label = '';
  let after = '';
  const sort = { by: props.sortBy, desc: props.sortDesc, totals: props.totals };
  props.columns.forEach((c, i) => {
    const h = headerCell(c, i === 0, sort);
    if (h.sorted) {
      before += h.pad;
      label = h.label;
      after = h.rest;
    } else if (label === '') before += h.pad + h.label + h.rest;
    else after += h.pad + h.label + h.rest;
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

const Row = memo(function Row(props: { row: TableRow; columns: readonly Column[]; selected: boolean }) {
  const { row } = props;
  const theme = useTheme();
  const parts: ReactNode[] = [];
  /** Where the sparkline is in `parts` (-1: not shown). */
  let spark = -1;
  let plain = '';
  const flush = () => {
    if (plain !== '') parts.push(plain);
    plain = '';
  };
  props.columns.forEach((c, i) => {
    const hits = c.id === 'comm' ? row.nameHits : c.id === 'cmdline' ? row.cmdHits : [];
    const color = c.id === 'spark' ? tint(theme, 'green') : undefined;
    if (hits.length === 0 && color === undefined) {
      plain += cellText(row, c, i === 0);
      return;
    }
    if (c.id === 'spark') {
      plain += ' ';
      flush();
      spark = parts.length;
      parts.push(
        <Text key={c.id} color={color}>
          {sparkline(row.history, SPARK_WIDTH)}
        </Text>,
      );
      return;
    }
    // Highlight what survived the cut; the ellipsis and padding stay plain.
    const text = textOf(row, c);
    const pad = gap(c, i === 0);
    const cell = fit(text, c.width - pad);
    plain += ' '.repeat(pad);
    const cut = truncate(text, c.width - pad);
    const kept = cut === text ? text.length : cut.length - 1;
    flush();
    parts.push(<Highlighted key={c.id} text={text.slice(0, kept)} hits={hits.filter((h) => h < kept)} />);
    plain += cell.slice(kept);
  });
  // The selection bar spans the whole row; other rows end at their last character.
  if (!props.selected) plain = plain.trimEnd();
  flush();
  const style = { wrap: 'truncate', inverse: props.selected, dimColor: row.exited || row.folded > 0 } as const;
  if (spark < 0) return <Text {...style}>{parts}</Text>;
  // The sparkline in a <Text> of its own: Ink measures each <Text> whole,
  // and a line with any character past ASCII takes string-width's slow
  // path, grapheme by grapheme; the rest of the row stays on the fast one.
  return (
    <Box>
      <Text {...style}>{parts.slice(0, spark)}</Text>
      <Text {...style}>{parts[spark]}</Text>
      {spark + 1 < parts.length && <Text {...style}>{parts.slice(spark + 1)}</Text>}
    </Box>
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
