// The exporter's prom-client registry. Every msgtop family is filled by a
// collect callback when /metrics is scraped, from the newest Model's
// cumulative totals (mapped once per Model, however many scrapers ask):
// nothing is incremented by hand as traffic happens.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Model } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { TrafficSeries, type Series, type Traffic, type TrafficOptions } from './traffic.js';

export interface MetricsOptions extends TrafficOptions {
  version: string;
  /** Rows to export: the --pid/--comm/--container presets. */
  keep: (p: Model['processes'][number]) => boolean;
  /** The newest Model, or null before the first sample. */
  latest: () => Model | null;
}

const TRAFFIC_LABELS = ['syscall', 'direction', 'comm', 'container'] as const;

export function createRegistry(opts: MetricsOptions): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters: promtool's lint rejects them, and
  // nodejs_active_{handles,requests,resources} (no suffix) say the same.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
  const series = new TrafficSeries(opts);
  let mappedFrom: Model | null = null;
  let traffic: Traffic | null = null;
  /** The newest Model and its traffic series, mapped at most once per Model. */
  const current = (): { model: Model; traffic: Traffic } | null => {
    const model = opts.latest();
    if (!model) return null;
    if (model !== mappedFrom || !traffic) {
      // Uptime, not ts: forgetting old series must not follow a wall-clock step.
      traffic = series.map(model.processes.filter(opts.keep), model.uptimeMs);
      mappedFrom = model;
    }
    return { model, traffic };
  };

  type Values = (t: Traffic, m: Model) => Series[];
  /** A scrape refills each family from the newest Model; `put` writes one series. */
  const fill = (values: Values, put: (s: Series) => void): void => {
    const c = current();
    if (c) for (const s of values(c.traffic, c.model)) put(s);
  };
  const counter = (name: string, help: string, labelNames: readonly string[], values: Values) =>
    new Counter({ name, help, labelNames, registers: [registry], collect() {
      this.reset();
      fill(values, (s) => this.inc(s.labels, s.value));
    } });
  const gauge = (name: string, help: string, labelNames: readonly string[], values: Values) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() {
      this.reset();
      fill(values, (s) => this.set(s.labels, s.value));
    } });
  const one = (value: number, labels: Series['labels'] = {}): Series[] => [{ labels, value }];

  const per = 'per syscall, command name (comm) and container ("" outside containers); exited processes stay counted';
  counter('msgtop_messages_total', `Messages sent or received, ${per}.`, TRAFFIC_LABELS, (t) => t.messages);
  counter('msgtop_bytes_total', `Payload bytes sent or received, ${per}.`, TRAFFIC_LABELS, (t) => t.bytes);
  counter('msgtop_calls_total', `Syscalls made, failed ones included, ${per}.`, TRAFFIC_LABELS, (t) => t.calls);
  counter('msgtop_errors_total', `Failed calls by errno, ${per}.`, [...TRAFFIC_LABELS, 'errno'], (t) => t.errors);
  const top = `for the ${opts.topK} most active processes only (by messages in the last intervals)`;
  const pl = ['pid', ...TRAFFIC_LABELS];
  counter('msgtop_process_messages_total', `Messages sent or received per process, ${top}.`, pl, (t) => t.process.messages);
  counter('msgtop_process_bytes_total', `Payload bytes sent or received per process, ${top}.`, pl, (t) => t.process.bytes);
  counter('msgtop_process_calls_total', `Syscalls made per process, ${top}.`, pl, (t) => t.process.calls);
  counter('msgtop_process_errors_total', `Failed calls per process by errno, ${top}.`, [...pl, 'errno'], (t) => t.process.errors);

  gauge('msgtop_series_limit', 'Cap on msgtop traffic series (--max-series); what exceeds it goes to comm="other".', [], () => one(opts.maxSeries));
  gauge('msgtop_overflow_series', 'Traffic series of current processes counted in comm="other" because of the cap.', [], (t) => one(t.overflowSeries));
  gauge('msgtop_overflow_groups', 'Command/container groups with series counted in comm="other" because of the cap.', [], (t) => one(t.overflowGroups));

  const h = (m: Model) => m.health;
  counter('msgtop_ringbuf_events_total', 'Events msgtop\'s BPF programs put in the ring buffer.', [], (_, m) => one(h(m).ringbufEvents));
  counter('msgtop_ringbuf_delivered_events_total', 'Ring buffer events that reached msgtop.', [], (_, m) => one(h(m).ringbufDelivered));
  counter('msgtop_ringbuf_dropped_events_total', 'Events lost because the ring buffer was full (counts are not affected).', [], (_, m) =>
    one(h(m).ringbufDrops),
  );
  counter('msgtop_map_full_total', 'Failed BPF map inserts, by map: counter (counts lost), errno, detail, proc (names lost).', ['map'], (_, m) => [
    { labels: { map: 'counter' }, value: h(m).counterMapFull },
    { labels: { map: 'errno' }, value: h(m).errnoMapFull },
    { labels: { map: 'detail' }, value: h(m).detailMapFull },
    { labels: { map: 'proc' }, value: h(m).procMapFull },
  ]);
  counter('msgtop_state_lost_total', 'Calls whose per-task BPF state was missing (calls/errors of mmsg rebuilt without it).', [], (_, m) => one(h(m).stateLost));
  counter('msgtop_bpf_missed_runs_total', 'BPF program runs the kernel skipped (already active on that CPU): messages not counted.', [], (_, m) =>
    one(h(m).progMissed),
  );
  counter('msgtop_exit_notices_lost_total', 'Process exits the kernel could not report: those processes leave the maps late, still counted.', [], (_, m) =>
    one(h(m).exitLost),
  );
  const maps = (m: Model, k: 'used' | 'max'): Series[] =>
    m.maps ? (['counters', 'procs', 'errnos'] as const).map((map) => ({ labels: { map }, value: m.maps![map][k] })) : [];
  gauge('msgtop_map_entries', 'Entries in use in the kernel maps that bound how many processes are counted at once.', ['map'], (_, m) => maps(m, 'used'));
  gauge('msgtop_map_capacity_entries', 'Capacity of those kernel maps (--max-procs).', ['map'], (_, m) => maps(m, 'max'));
  gauge('msgtop_bpf_cpu_ratio', 'Estimated CPU time of msgtop\'s BPF programs per second of wall time, over the last interval (1 = one core); NaN without CAP_SYS_ADMIN to measure it.', [], (_, m) =>
    one(m.cost.bpfNsPerSec === null ? NaN : m.cost.bpfNsPerSec / 1e9),
  );
  gauge('msgtop_ipc_tracing', 'Whether msgsnd/msgrcv are traced right now (1) or not (0).', [], (_, m) => one(m.ipc.tracing ? 1 : 0));
  gauge('msgtop_processes', 'Process rows msgtop holds (alive, exited and lingering, folded).', [], (_, m) => one(m.processes.length));
  gauge('msgtop_last_sample_timestamp_seconds', 'When msgtop last read the kernel counters (Unix time).', [], (_, m) => one(m.ts / 1000));
  gauge('msgtop_info', 'msgtop build and probe configuration; always 1.', ['version', 'kernel', 'probes', 'ipc_mode'], (_, m) =>
    one(1, { version: opts.version, kernel: escapeControl(m.kernel), probes: m.probes, ipc_mode: m.ipc.mode }),
  );
  return registry;
}
