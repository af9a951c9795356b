// Per-syscall totals of every --json entry with one command name, folded or
// not: what a churn of short-lived processes of that name did in all.
export interface Counts {
  calls: number;
  messages: number;
  bytes: number;
  errors: number;
}

export function totalsByComm<P extends { comm: string; syscalls: Record<string, Counts> }>(
  processes: readonly P[],
  comm: string,
): { rows: P[]; syscalls: Record<string, Counts> } {
  const rows = processes.filter((p) => p.comm === comm);
  const syscalls: Record<string, Counts> = {};
  for (const p of rows) {
    for (const [name, c] of Object.entries(p.syscalls)) {
      const s = (syscalls[name] ??= { calls: 0, messages: 0, bytes: 0, errors: 0 });
      s.calls += c.calls;
      s.messages += c.messages;
      s.bytes += c.bytes;
      s.errors += c.errors;
    }
  }
  return { rows, syscalls };
}
