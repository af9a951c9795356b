// Per-syscall counts of one process, rates and totals side by side, and
// its errors by errno name. Needs only the process row, not the detail.
import { Box, Text } from 'ink';
import { SYSCALLS, type Counts, type ErrnoCount, type Stat, type SyscallName } from '../../data/model/model.js';
import { fmtBytes, fmtCount } from '../format.js';
import { Grid, type GridColumn } from '../grid.js';
import type { PaneProps } from './types.js';

interface Line {
  name: string;
  stat: Stat;
}

const avg = (c: Counts) => (c.messages > 0 ? fmtBytes(c.bytes / c.messages) : '-');

const COLUMNS: GridColumn<Line>[] = [
  { label: 'SYSCALL', width: 10, value: (l) => l.name },
  { label: 'CALLS/s', width: 7, right: true, value: (l) => fmtCount(l.stat.rate.calls) },
  { label: 'MSG/s', width: 6, right: true, value: (l) => fmtCount(l.stat.rate.messages) },
  { label: 'BYTES/s', width: 7, right: true, value: (l) => fmtBytes(l.stat.rate.bytes) },
  { label: 'ERR/s', width: 5, right: true, value: (l) => fmtCount(l.stat.rate.errors) },
  { label: 'CALLS', width: 6, right: true, value: (l) => fmtCount(l.stat.total.calls) },
  { label: 'MSGS', width: 6, right: true, value: (l) => fmtCount(l.stat.total.messages) },
  { label: 'BYTES', width: 7, right: true, value: (l) => fmtBytes(l.stat.total.bytes) },
  { label: 'AVG MSG', width: 7, right: true, value: (l) => avg(l.stat.total) },
  { label: 'ERRS', width: 5, right: true, value: (l) => fmtCount(l.stat.total.errors) },
];

const ERRNO_COLUMNS: GridColumn<ErrnoCount>[] = [
  { label: 'ERRNO', width: 16, value: (e) => `${e.name} (${e.errno})` },
  { label: 'SYSCALL', width: 10, value: (e) => e.syscall },
  { label: 'ERR/s', width: 6, right: true, value: (e) => fmtCount(e.rate) },
  { label: 'TOTAL', width: 6, right: true, value: (e) => fmtCount(e.total) },
];

export function Summary(props: PaneProps) {
  const { row } = props;
  const lines: Line[] = SYSCALLS.flatMap((name: SyscallName) => {
    const stat = row.syscalls[name];
    return stat && stat.total.calls + stat.total.errors + stat.rate.calls > 0 ? [{ name, stat }] : [];
  });
  lines.push({ name: 'all sends', stat: row.send }, { name: 'all recvs', stat: row.recv });
  const errnos = [...row.errnos].sort((a, b) => b.total - a.total);
  const errHeight = Math.max(0, props.height - lines.length - 3);
  return (
    <Box flexDirection="column">
      <Grid columns={COLUMNS} rows={lines} width={props.width} height={lines.length} rowKey={(l) => l.name} />
      {errHeight > 0 && (
        <Box flexDirection="column" marginTop={1}>
          {errnos.length === 0 ? (
            <Text dimColor>no errors</Text>
          ) : (
            <Grid
              columns={ERRNO_COLUMNS}
              rows={errnos}
              width={props.width}
              height={errHeight}
              rowKey={(e) => `${e.syscall}:${e.errno}`}
            />
          )}
        </Box>
      )}
    </Box>
  );
}
