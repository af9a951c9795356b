// Processes that the kernel reports exited in the very snapshot that first
// shows them, except the newest --max-exited exits (which may keep rows of
// their own): their records go straight into their fold group, and they
// never become a Proc. On a host that starts thousands of processes a
// second that is almost every process, and a snapshot holding tens of
// thousands then keeps nothing per process alive but a map entry.
import type { ExitRec } from '../kernel/records.js';
import type { Tally } from './tally.js';

type Key = (tgid: number, startNs: bigint) => boolean;

export class ArrivedDead {
  /** tgid → start time: at most one per pid and snapshot (a second process
   * with the same pid takes the ordinary path). */
  private readonly starts = new Map<number, bigint>();
  private readonly groups = new Map<number, Tally>();

  /**
   * `exits` in the order the kernel saw them; `known` says a process
   * already has a Proc; `join` counts a process into its fold group and
   * returns that group's tally.
   */
  constructor(
    exits: readonly ExitRec[],
    keep: number,
    known: Key,
    private readonly join: (tgid: number, startNs: bigint) => Tally,
  ) {
    for (let i = 0; i < exits.length - keep; i++) {
      const e = exits[i]!;
      if (!known(e.tgid, e.startNs)) this.starts.set(e.tgid, e.startNs);
    }
  }

  /** Whether a process with this pid may be arriving dead (tally says). */
  mayHold(tgid: number): boolean {
    return this.starts.has(tgid);
  }

  /** Where the records of a process arriving dead go; undefined for every
   * other process. */
  tally(tgid: number, startNs: bigint): Tally | undefined {
    if (this.starts.get(tgid) !== startNs) return undefined;
    let t = this.groups.get(tgid);
    if (!t) {
      t = this.join(tgid, startNs);
      this.groups.set(tgid, t);
    }
    return t;
  }
}
