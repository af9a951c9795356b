// "Who calls recvmmsg?": choose a syscall, then the table ranks by it.
import { Box, Text } from 'ink';
import { SYSCALLS, type ProcessRow, type SyscallName } from '../data/model/model.js';
import { cell, fmtCount } from './format.js';

export interface SyscallUse {
  name: SyscallName;
  callsPerSec: number;
  /** Processes that ever made this call. */
  callers: number;
}

export function syscallUse(processes: readonly ProcessRow[]): SyscallUse[] {
  return SYSCALLS.map((name) => ({
    name,
    callsPerSec: processes.reduce((n, p) => n + (p.syscalls[name]?.rate.calls ?? 0), 0),
    callers: processes.filter((p) => (p.syscalls[name]?.total.calls ?? 0) > 0).length,
  }));
}

export function SyscallPicker(props: { use: readonly SyscallUse[]; index: number; height: number }) {
  const first = Math.max(0, Math.min(props.index - props.height + 2, SYSCALLS.length - props.height + 1));
  return (
    <Box flexDirection="column">
      <Text bold>Rank processes by syscall: ↑↓ choose, Enter rank, Esc cancel</Text>
      {props.use.slice(first, first + Math.max(1, props.height - 1)).map((u, i) => (
        <Text key={u.name} inverse={first + i === props.index}>
          {`${u.name.padEnd(11)}${cell(fmtCount(u.callsPerSec), 7)} calls/s ${cell(String(u.callers), 5)} processes`}
        </Text>
      ))}
    </Box>
  );
}
