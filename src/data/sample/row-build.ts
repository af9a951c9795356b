// ProcessRows from tallies. Models are immutable and share what did not
// change: a row whose numbers and identity are as in the last Model is
// that same object, so a frame of 10,000 idle processes allocates little.
import { isSend, SYSCALLS, type Counts, type ErrnoCount, type ProcessRow, type Stat } from '../model/model.js';
import { isZero, perSec, sameCounts, sum, ZERO } from '../model/counts.js';
import { errnoName } from './errno.js';
import type { Tally } from './tally.js';

/** Who a row is, not what it counted; with its key and folded count, a
 * row's identity. */
export type Identity = Pick<ProcessRow, 'pid' | 'startTicks' | 'comm' | 'cmdline' | 'user' | 'uid' | 'container' | 'cgroup' | 'exitedAt'>;

export interface RowSource extends Tally {
  /** The row in the last Model, reused for what has not changed. */
  row: ProcessRow | null;
}

export interface RowLengths {
  /** Intervals of history kept in the tally. */
  historyLen: number;
  /** Of those, how many each row carries (the table's sparkline). */
  rowHistoryLen: number;
}

const NO_ERRNOS: ErrnoCount[] = [];

/** `prev` when it holds the same total and rate, else a new Stat. */
function stat(total: Counts, rate: Counts, prev: Stat | undefined): Stat {
  return prev && prev.total === total && sameCounts(prev.rate, rate) ? prev : { total, rate };
}

function sameIdentity(row: ProcessRow, id: Identity, folded: number): boolean {
  return (
    row.folded === folded &&
    row.comm === id.comm &&
    row.cmdline === id.cmdline &&
    row.user === id.user &&
    row.uid === id.uid &&
    row.container === id.container &&
    row.cgroup === id.cgroup &&
    row.exitedAt === id.exitedAt
  );
}

/** A side's Stat summed over its syscalls (zeros when it has none). */
function side(t: Tally, send: boolean, sec: number): Stat {
  let total: Counts = ZERO;
  let d: Counts = ZERO;
  for (let sys = 0; sys < t.totals.length; sys++) {
    const tot = t.totals[sys];
    if (!tot || isSend(SYSCALLS[sys]!) !== send) continue;
    total = sum(total, tot);
    const inc = t.deltas[sys];
    if (inc && !isZero(inc)) d = sum(d, inc);
  }
  return { total, rate: perSec(d, sec) };
}

/** `prev` while no errno moved in this or the last interval. */
function errnoRows(t: Tally, sec: number, prev: ErrnoCount[] | undefined): ErrnoCount[] {
  const errnos = t.errnos;
  if (!errnos) return NO_ERRNOS;
  let still = prev !== undefined && prev.length === errnos.size && prev.every((e) => e.rate === 0);
  for (const e of errnos.values()) still &&= e.delta === 0;
  if (still) return prev!;
  return [...errnos.values()].map((e) => ({
    syscall: SYSCALLS[e.sys]!,
    errno: e.err,
    name: errnoName(e.err),
    total: e.total,
    rate: sec > 0 ? e.delta / sec : 0,
  }));
}

/** This interval's row for `src` (`key` stays the same for a source); also
 * records its history. Allocates only what changed: it runs for every
 * process every interval. */
export function buildRow(src: RowSource, key: string, id: Identity, folded: number, sec: number, len: RowLengths): ProcessRow {
  const prev = src.row;
  let syscalls: ProcessRow['syscalls'] = {};
  // Per side: how many syscalls, the last one's Stat, and whether all
  // of them are the Stats of the last row.
  let sends = 0;
  let recvs = 0;
  let sendOne: Stat | null = null;
  let recvOne: Stat | null = null;
  const same = { send: prev !== null, recv: prev !== null };
  for (let sys = 0; sys < src.totals.length; sys++) {
    const total = src.totals[sys];
    if (!total) continue;
    const name = SYSCALLS[sys]!;
    const st = stat(total, perSec(src.deltas[sys] ?? ZERO, sec), prev?.syscalls[name]);
    syscalls[name] = st;
    const unchanged = st === prev?.syscalls[name];
    if (isSend(name)) {
      sends++;
      sendOne = st;
      same.send &&= unchanged;
    } else {
      recvs++;
      recvOne = st;
      same.recv &&= unchanged;
    }
  }
  // A side with one syscall is that syscall's Stat.
  const sendStat = same.send ? prev!.send : sends === 1 ? sendOne! : side(src, true, sec);
  const recvStat = same.recv ? prev!.recv : recvs === 1 ? recvOne! : side(src, false, sec);
  if (same.send && same.recv && sends + recvs === Object.keys(prev!.syscalls).length) syscalls = prev!.syscalls;
  src.history.push(sendStat.rate.messages + recvStat.rate.messages, sendStat.rate.bytes + recvStat.rate.bytes, len.historyLen);
  const history = src.history.messagesTail(len.rowHistoryLen, prev?.history);
  const errnos = errnoRows(src, sec, prev?.errnos);
  if (prev && syscalls === prev.syscalls && errnos === prev.errnos && history === prev.history && sameIdentity(prev, id, folded)) return prev;
  src.row = {
    key,
    pid: id.pid,
    startTicks: id.startTicks,
    comm: id.comm,
    cmdline: id.cmdline,
    user: id.user,
    uid: id.uid,
    container: id.container,
    cgroup: id.cgroup,
    exitedAt: id.exitedAt,
    folded,
    send: sendStat,
    recv: recvStat,
    syscalls,
    errnos,
    history,
  };
  return src.row;
}
