// Live tail of individual calls, newest at the bottom. Used for one
// process (Events pane) and for all processes (global events view).
import { Box, Text } from 'ink';
import type { EventRow } from '../../data/model/model.js';
import { fmtClock } from '../format.js';
import { Grid, type GridColumn } from '../grid.js';

function result(e: EventRow): string {
  if (e.ret >= 0) return String(e.ret);
  return e.errno ?? `errno ${-e.ret}`;
}

function peer(e: EventRow): string {
  const route = e.remote ? `${e.local} → ${e.remote}` : e.local;
  return `${e.family}/${e.protocol} ${route}`;
}

function columns(global: boolean): GridColumn<EventRow>[] {
  const who: GridColumn<EventRow>[] = global
    ? [
        { label: 'PID', width: 7, right: true, value: (e) => String(e.pid) },
        { label: 'COMM', width: 15, value: (e) => e.comm },
      ]
    : [];
  return [
    { label: 'TIME', width: 12, priority: 1, value: (e) => fmtClock(e.ts) },
    ...who,
    { label: 'TID', width: 7, right: true, value: (e) => String(e.tid) },
    { label: 'SYSCALL', width: 10, value: (e) => e.syscall },
    { label: 'FD', width: 4, right: true, value: (e) => String(e.fd) },
    { label: 'RESULT', width: 8, right: true, value: result },
    { label: 'FLAGS', width: 14, priority: 2, value: (e) => e.flagsText || '-' },
    { label: 'PEER', width: 12, grow: true, priority: 3, value: peer },
  ];
}

/** The slice of `events` on screen: `rows` lines, `scroll` lines up from the newest. */
export function eventWindow(events: readonly EventRow[], scroll: number, height: number): { first: number; rows: EventRow[] } {
  const rows = Math.max(1, height - 2);
  const end = Math.max(0, events.length - scroll);
  const first = Math.max(0, end - rows);
  return { first, rows: events.slice(first, end) };
}

export interface EventsProps {
  /** From eventWindow: only what is drawn crosses as props. */
  window: { first: number; rows: EventRow[] };
  total: number;
  global: boolean;
  scroll: number;
  width: number;
  height: number;
}

export function Events(props: EventsProps) {
  const status = props.scroll > 0 ? `scrolled back ${props.scroll} (G: newest)` : 'following newest';
  const { first, rows } = props.window;
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">
        {`${props.total} recent events, ${status}; space pauses, ↑↓ PgUp PgDn scroll`}
      </Text>
      <Grid
        columns={columns(props.global)}
        rows={rows}
        width={props.width}
        height={Math.max(1, props.height - 2)}
        rowKey={(_e, i) => String(first + i)}
        emptyText="no events yet"
      />
    </Box>
  );
}
