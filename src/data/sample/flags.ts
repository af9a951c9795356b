// Flag words shown in the event log. Values from the kernel's
// include/linux/socket.h (MSG_*) and uapi linux/ipc.h, linux/msg.h (SysV);
// no Node or npm table exists for these. A few kernel-internal bits are
// named too, since a socket tracepoint sees flags the kernel has added.
import type { SyscallName } from '../model/model.js';

type Table = readonly (readonly [number, string])[];

const MSG: Table = [
  [0x1, 'MSG_OOB'],
  [0x2, 'MSG_PEEK'],
  [0x4, 'MSG_DONTROUTE'],
  [0x8, 'MSG_CTRUNC'],
  [0x10, 'MSG_PROBE'],
  [0x20, 'MSG_TRUNC'],
  [0x40, 'MSG_DONTWAIT'],
  [0x80, 'MSG_EOR'],
  [0x100, 'MSG_WAITALL'],
  [0x200, 'MSG_FIN'],
  [0x400, 'MSG_SYN'],
  [0x800, 'MSG_CONFIRM'],
  [0x1000, 'MSG_RST'],
  [0x2000, 'MSG_ERRQUEUE'],
  [0x4000, 'MSG_NOSIGNAL'],
  [0x8000, 'MSG_MORE'],
  [0x10000, 'MSG_WAITFORONE'],
  [0x40000, 'MSG_BATCH'],
  [0x2000000, 'MSG_SOCK_DEVMEM'],
  [0x4000000, 'MSG_ZEROCOPY'],
  [0x8000000, 'MSG_SPLICE_PAGES'],
  [0x20000000, 'MSG_FASTOPEN'],
  [0x40000000, 'MSG_CMSG_CLOEXEC'],
  [0x80000000, 'MSG_CMSG_COMPAT'],
];

const IPC: Table = [
  [0o4000, 'IPC_NOWAIT'],
  [0o10000, 'MSG_NOERROR'],
  [0o20000, 'MSG_EXCEPT'],
  [0o40000, 'MSG_COPY'],
];

function decode(flags: number, table: Table): string {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const [bit, name] of table) {
    if (rest & bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.join('|');
}

/** "MSG_DONTWAIT|MSG_NOSIGNAL"; "" for 0; unknown bits as hex. */
export function flagsText(syscall: SyscallName, flags: number): string {
  return decode(flags, syscall === 'msgsnd' || syscall === 'msgrcv' ? IPC : MSG);
}
