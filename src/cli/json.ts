// `msgtop --json`: one line per interval. Keys are built in a fixed order so
// successive lines diff cleanly; counts are cumulative since attach.
// A recording (--record) holds the same lines with more fields after these
// (recordLine): what the TUI needs to replay them.
import { isZero } from '../data/model/counts.js';
import { SYSCALLS, type Counts, type Detail, type EventRow, type Model, type ProcessRow, type Stat, type SyscallName } from '../data/model/model.js';

function counts(t: Counts): Counts {
  return { calls: t.calls, messages: t.messages, bytes: t.bytes, errors: t.errors };
}

function syscalls(stats: Partial<Record<SyscallName, Stat>>): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  for (const name of SYSCALLS) {
    const t = stats[name]?.total;
    if (!t || isZero(t)) continue;
    out[name] = counts(t);
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

function processJson(p: ProcessRow, record: boolean): object {
  const base = {
    pid: p.pid,
    start_ticks: p.startTicks,
    comm: p.comm,
    cmdline: p.cmdline,
    user: p.user,
    container: p.container,
    exited: p.exitedAt !== null,
    folded: p.folded,
    syscalls: syscalls(p.syscalls),
    errnos: errnos(p),
  };
  return record ? { ...base, uid: p.uid, cgroup: p.cgroup, exited_at: p.exitedAt } : base;
}

function lineObject(model: Model, record: boolean): Record<string, unknown> {
  return {
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
      sample_ms: Math.round(model.cost.sampleMs * 10) / 10,
    },
    processes: [...model.processes].sort(order).map((p) => processJson(p, record)),
  };
}

export function jsonLine(model: Model): string {
  return JSON.stringify(lineObject(model, false));
}

/** An event as a recording holds it. */
function eventJson(e: EventRow): object {
  return {
    ts: e.ts,
    pid: e.pid,
    tid: e.tid,
    comm: e.comm,
    syscall: e.syscall,
    fd: e.fd,
    ret: e.ret,
    errno: e.errno,
    flags: e.flags,
    flags_text: e.flagsText,
    family: e.family,
    protocol: e.protocol,
    local: e.local,
    remote: e.remote,
    cgroup_id: e.cgroupId,
  };
}

/** Size buckets without the trailing empty ones. */
function buckets(counts: readonly number[]): number[] {
  let n = counts.length;
  while (n > 0 && !counts[n - 1]) n--;
  return counts.slice(0, n);
}

/** The drill-down as a recording holds it: totals only (rates, history and
 * the process's events are rebuilt from the intervals on replay). */
function detailJson(d: Detail): object {
  return {
    key: d.key,
    threads: d.threads.map((t) => ({ tid: t.tid, name: t.name, syscalls: syscalls(t.syscalls) })),
    peers: d.peers.map((p) => ({
      family: p.family,
      protocol: p.protocol,
      local: p.local,
      remote: p.remote,
      send: { messages: p.send.messages, bytes: p.send.bytes },
      recv: { messages: p.recv.messages, bytes: p.recv.bytes },
    })),
    sizes: { send: buckets(d.sizes.send), recv: buckets(d.sizes.recv) },
  };
}

/**
 * One interval of a recording: the --json line's fields unchanged, then
 * uid, cgroup and exited_at per process, and uptime_ms, the opened
 * process's detail and the events delivered since the previous line.
 */
export function recordLine(model: Model): string {
  return JSON.stringify({
    ...lineObject(model, true),
    uptime_ms: Math.round(model.uptimeMs),
    detail: model.detail ? detailJson(model.detail) : null,
    event_log: (model.delivered?.events ?? []).map(eventJson),
    event_log_skipped: model.delivered?.skipped ?? 0,
  });
}
