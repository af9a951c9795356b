// The conditions the workload runs under: nothing, msgtop in each probe
// mode, empty BPF programs on the same hooks (the floor), and bpftrace doing
// the same per-process aggregation. Each starts, says when it is attached,
// and stops by PID.
import type { ChildProcess } from 'node:child_process';
import { cliJs, floorBin, floorObj, noteProgs, rel, start, stop, waitLine } from './lib.js';

export interface Running {
  pid: number | null;
  /** BPF program ids the tracer holds (from /proc/PID/fdinfo). */
  progIds: Set<number>;
  stop(): Promise<void>;
}

export interface Condition {
  id: string;
  label: string;
  /** Shell-like command line, for the report. */
  command: string;
  start(): Promise<Running>;
}

async function attached(c: ChildProcess, ready: RegExp, timeoutMs: number, settleMs: number): Promise<Running> {
  try {
    await waitLine(c, ready, timeoutMs);
  } catch (e) {
    await stop(c, 'SIGKILL');
    throw e;
  }
  await new Promise((r) => setTimeout(r, settleMs));
  const progIds = noteProgs(c.pid!);
  return { pid: c.pid!, progIds, stop: () => stop(c, 'SIGINT') };
}

const BPFTRACE_SYSCALLS = ['sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'msgsnd']
  .map((s) => `tracepoint:syscalls:sys_exit_${s}`)
  .join(', ');
export const BPFTRACE_SYS_PROG = `BEGIN { printf("ready\\n"); } ${BPFTRACE_SYSCALLS} { @calls[pid, probe] = count(); @ret[pid, probe] = sum(args->ret); }`;
export const BPFTRACE_SOCK_PROG = `BEGIN { printf("ready\\n"); } tracepoint:sock:sock_send_length, tracepoint:sock:sock_recv_length { @calls[pid, probe] = count(); @bytes[pid, probe] = sum(args->ret); }`;

function msgtop(mode: 'sock' | 'syscalls'): Condition {
  // --ipc off: another session's SysV queues must not switch on syscall
  // tracepoints mid-run (with no queues, the default --ipc auto is the same).
  const args = [cliJs, '--json', '--probes', mode, '--ipc', 'off'];
  return {
    id: `msgtop-${mode}`,
    label: `msgtop --probes=${mode}${mode === 'sock' ? ' (default)' : ''}`,
    command: `node ${rel(cliJs)} --json --probes ${mode} --ipc off   (1 Hz; measured after its first line)`,
    start: () => attached(start(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }), /^\{/, 20_000, 100),
  };
}

function floor(mode: 'sock' | 'syscalls', stats = false): Condition {
  const args = [mode, ...(stats ? ['--stats'] : []), floorObj];
  const what = mode === 'sock' ? 'floor: empty raw_tp sock_{send,recv}_length' : 'floor: empty sys_{enter,exit} ×6 syscalls';
  return {
    id: `floor-${mode}${stats ? '-stats' : ''}`,
    label: stats ? `${what} + BPF run-time stats on (as msgtop holds them)` : what,
    command: `${rel(floorBin)} ${args.map(rel).join(' ')}`,
    start: () => attached(start(floorBin, args, { stdio: ['ignore', 'pipe', 'pipe'] }), /^ready/, 10_000, 100),
  };
}

function bpftrace(kind: 'syscalls' | 'sock'): Condition {
  const prog = kind === 'syscalls' ? BPFTRACE_SYS_PROG : BPFTRACE_SOCK_PROG;
  return {
    id: `bpftrace-${kind}`,
    label: kind === 'syscalls' ? 'bpftrace: sys_exit_* count+sum per (pid,probe)' : 'bpftrace: sock_*_length count+sum per (pid,probe)',
    command: `bpftrace -e '${prog}'`,
    start: () => attached(start('bpftrace', ['-e', prog], { stdio: ['ignore', 'pipe', 'pipe'] }), /^ready/, 60_000, 300),
  };
}

export const NONE: Condition = {
  id: 'none',
  label: 'no tracer',
  command: '(nothing attached)',
  start: async () => ({ pid: null, progIds: new Set(), stop: async () => {} }),
};

export function conditions(haveBpftrace: boolean): Condition[] {
  const out = [msgtop('sock'), msgtop('syscalls'), floor('sock'), floor('sock', true), floor('syscalls')];
  if (haveBpftrace) out.push(bpftrace('syscalls'), bpftrace('sock'));
  return out;
}
