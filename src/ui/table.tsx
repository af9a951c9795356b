// The ranked process table: one header row, then the visible window of
// rows (App slices it, so only what is drawn crosses as props).
import { Box, Text } from 'ink';
import type { Column } from './columns.js';
import { isNumeric, SPARK_WIDTH } from './columns.js';
import { cell, fmtBytes, fmtCount } from './format.js';
import { Highlighted } from './highlight.js';
import type { TableRow } from './rows.js';
import { sparkline } from './sparkline.js';
import type { ColumnId } from './state.js';
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

function HeaderRow(props: Pick<TableProps, 'columns' | 'sortBy' | 'sortDesc' | 'totals'>) {
  return (
    <Box>
      {props.columns.map((c, i) => {
        const sorted = c.id === props.sortBy;
        const label = (props.totals ? c.total : c.rate) + (sorted ? (props.sortDesc ? '▼' : '▲') : '');
        const right = c.kind === 'count' || c.kind === 'bytes' || c.id === 'pid';
        return (
          <Box key={c.id} width={c.width} paddingLeft={i === 0 || right ? 0 : 1}>
            <Text bold underline={sorted} inverse={sorted} wrap="truncate">
              {right ? cell(label, c.width) : label}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

function Cell(props: { column: Column; row: TableRow; first: boolean; selected: boolean }) {
  const { column: c, row, selected } = props;
  const theme = useTheme();
  const style = { inverse: selected, dimColor: row.exited };
  if (isNumeric(c.id)) {
    const v = row.values[c.id];
    const text = c.kind === 'bytes' ? fmtBytes(v) : fmtCount(v);
    return (
      <Box width={c.width}>
        <Text {...style}>{cell(text, c.width)}</Text>
      </Box>
    );
  }
  if (c.id === 'pid') {
    const text = row.pid === null ? `×${row.count}` : String(row.pid);
    return (
      <Box width={c.width}>
        <Text {...style}>{cell(text, c.width)}</Text>
      </Box>
    );
  }
  if (c.id === 'spark') {
    return (
      <Box width={c.width} paddingLeft={1}>
        <Text {...style} color={tint(theme, 'green')}>
          {sparkline(row.history, SPARK_WIDTH)}
        </Text>
      </Box>
    );
  }
  const text = c.id === 'user' ? row.user : c.id === 'ctr' ? row.container || '-' : c.id === 'cmdline' ? row.cmdline : row.name;
  const hits = c.id === 'comm' ? row.nameHits : c.id === 'cmdline' ? row.cmdHits : [];
  return (
    <Box width={c.width} paddingLeft={props.first ? 0 : 1}>
      <Text {...style} wrap="truncate">
        <Highlighted text={text} hits={hits} />
      </Text>
    </Box>
  );
}

export function Table(props: TableProps) {
  return (
    <Box flexDirection="column">
      <HeaderRow columns={props.columns} sortBy={props.sortBy} sortDesc={props.sortDesc} totals={props.totals} />
      {props.rows.length === 0 && <Text dimColor>{props.emptyText}</Text>}
      {props.rows.map((row, i) => (
        <Box key={row.key}>
          {props.columns.map((c, ci) => (
            <Cell key={c.id} column={c} row={row} first={ci === 0} selected={i === props.selected} />
          ))}
        </Box>
      ))}
    </Box>
  );
}
