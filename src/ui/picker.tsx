// "Who calls recvmmsg?": choose a syscall, then the table ranks by it.
import { Box, Text } from 'ink';
import { SYSCALLS, type ProcessRow } from '../data/model.js';
import { cell, fmtCount } from './format.js';

export function SyscallPicker(props: { processes: readonly ProcessRow[]; index: number; height: number }) {
  const callers = (sc: (typeof SYSCALLS)[number]) => props.processes.filter((p) => (p.syscalls[sc]?.total.calls ?? 0) > 0).length;
  const calls = (sc: (typeof SYSCALLS)[number]) => props.processes.reduce((n, p) => n + (p.syscalls[sc]?.rate.calls ?? 0), 0);
  const first = Math.max(0, Math.min(props.index - props.height + 2, SYSCALLS.length - props.height + 1));
  return (
    <Box flexDirection="column">
      <Text bold>Rank processes by syscall: ↑↓ choose, Enter rank, Esc cancel</Text>
      {SYSCALLS.slice(first, first + Math.max(1, props.height - 1)).map((sc, i) => (
        <Text key={sc} inverse={first + i === props.index}>
          {`${sc.padEnd(11)}${cell(fmtCount(calls(sc)), 7)} calls/s ${cell(String(callers(sc)), 5)} processes`}
        </Text>
      ))}
    </Box>
  );
}
