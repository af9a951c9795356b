// The seam between where counts come from (the live kernel via the addon)
// and the sampler that turns them into Models.
import type { IpcMode, MapUsage, ProbeMode } from '../model/model.js';
import type { Privileges } from '../privileges.js';

/** One read of every kernel map; buffers hold the records of bpf/msgtop.h. */
export interface RawSnapshot {
  /** CLOCK_MONOTONIC when the maps were read. */
  monoNs: bigint;
  counters: Buffer;
  errnos: Buffer;
  threads: Buffer;
  peers: Buffer;
  sizes: Buffer;
  /**
   * struct mt_proc_key/mt_proc records: names for processes that exit
   * before /proc can be read. Absent from sources that predate that map.
   */
  procs?: Buffer;
  /** struct mt_tname_key + mt_tname records (watched threads' names). */
  threadNames?: Buffer;
  /**
   * struct mt_exit records: processes whose last thread exited and whose
   * final counts (and procs/errnos records) appear in this snapshot for the
   * last time; the kernel maps no longer hold them.
   */
  exited?: Buffer;
  /** Fill of the maps that bound how many processes are counted at once. */
  maps?: MapUsage;
  /** Indexed by enum mt_stat, MT_STAT_COUNT entries. */
  stats: BigUint64Array;
  /** Cumulative run time and run count of msgtop's BPF programs (they grow
   * only while the kernel's run-time accounting is on), and runs the kernel
   * skipped because the program was already active on that CPU (recursion
   * misses). `timed` false: run times cannot be measured (turning the
   * kernel's accounting on needs CAP_SYS_ADMIN). */
  prog: { runTimeNs: number; runCount: number; missed: number; timed?: boolean };
  probes: ProbeMode;
  /** Why this mode: forced, or what auto found missing for the cheaper ones. */
  probesReason: string;
  ipc: { mode: IpcMode; tracing: boolean; since: number | null; error?: string | null };
  /** Who msgtop runs as (absent from sources that are not the kernel). */
  privileges?: Privileges;
}

export interface Source {
  readonly probes: ProbeMode;
  snapshot(): RawSnapshot;
  /** Batches of concatenated struct mt_event records. */
  onEvents(cb: (buf: Buffer) => void): void;
  /** Collect threads/peers/sizes/events for this tgid (null: none). */
  watch(tgid: number | null): void;
  /** Send events for every process, not only the watched one. */
  setGlobalEvents(on: boolean): void;
  /** Delete an exited process's keys from the kernel maps (for one whose
   * exit the kernel could not report). */
  forget(tgid: number, startNs: bigint): void;
  close(): void;
}
