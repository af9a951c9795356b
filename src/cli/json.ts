// `msgtop --json`: one line per interval. Keys are built in a fixed order so
// successive lines diff cleanly; counts are cumulative since attach.
import { isZero } from '../data/model/counts.js';
import { SYSCALLS, type Counts, type Model, type ProcessRow } from '../data/model/model.js';

function syscalls(p: ProcessRow): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  for (const name of SYSCALLS) {
    const t = p.syscalls[name]?.total;
    if (!t || isZero(t)) continue;
    out[name] = { calls: t.calls, messages: t.messages, bytes: t.bytes, errors: t.errors };
  }
  return out;
}

function errnos(p: ProcessRow): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const sorted = [...p.errnos].sort(
    (a, b) => SYSCALLS.indexOf(a.syscall) - SYSCALLS.indexOf(b.syscall) || a.name.localeCompare(b.name),
  );
  for (const e of sorted) (out[e.syscall] ??= {})[e.name] = e.total;
  return out;
}

/** Processes by pid, then the folded groups by name. */
function order(a: ProcessRow, b: ProcessRow): number {
  return (
    Number(a.folded > 0) - Number(b.folded > 0) ||
    a.pid - b.pid ||
    a.startTicks - b.startTicks ||
    a.comm.localeCompare(b.comm) ||
    (a.container ?? '').localeCompare(b.container ?? '')
  );
}

export function jsonLine(model: Model): string {
  const processes = [...model.processes].sort(order).map((p) => ({
    pid: p.pid,
    start_ticks: p.startTicks,
    comm: p.comm,
    cmdline: p.cmdline,
    user: p.user,
    container: p.container,
    exited: p.exitedAt !== null,
    folded: p.folded,
    syscalls: syscalls(p),
    errnos: errnos(p),
  }));
  return JSON.stringify({
    ts: model.ts,
    interval_ms: model.intervalMs,
    probes: model.probes,
    probes_reason: model.probesReason,
    ipc: { mode: model.ipc.mode, tracing: model.ipc.tracing, error: model.ipc.error ?? null },
    privileges: model.privileges
      ? { user: model.privileges.user, uid: model.privileges.uid, gid: model.privileges.gid, dropped: model.privileges.dropped, caps: model.privileges.caps }
      : null,
    drops: {
      ringbuf: model.health.ringbufDrops,
      counter_map_full: model.health.counterMapFull,
      errno_map_full: model.health.errnoMapFull,
      detail_map_full: model.health.detailMapFull,
      state_lost: model.health.stateLost,
      proc_map_full: model.health.procMapFull,
      prog_missed: model.health.progMissed,
      exit_lost: model.health.exitLost,
    },
    maps: model.maps,
    events: { submitted: model.health.ringbufEvents, delivered: model.health.ringbufDelivered },
    cost: {
      // null: no rights to turn on the kernel's run-time statistics.
      bpf_ns_per_sec: model.cost.bpfNsPerSec === null ? null : Math.round(model.cost.bpfNsPerSec),
      cpu_percent: Math.round(model.cost.cpuPercent * 100) / 100,
      rss_bytes: model.cost.rssBytes,
      loop_stall_ms: Math.round(model.cost.loopStallMs),
    },
    processes,
  });
}
