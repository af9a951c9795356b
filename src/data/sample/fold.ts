// Exited processes that have lingered fold into one row per (comm,
// container): their totals stay in the Model for good, while memory and
// output stay bounded on a host that starts processes all day.
import type { ProcessRow } from '../model/model.js';
import type { ProcInfo } from '../proc/registry.js';
import type { Identity, RowSource } from './row-build.js';
import { RateHistory } from './rate-history.js';
import { mergeInto, newInterval, perSys, type Tally } from './tally.js';

interface Group extends RowSource {
  key: string;
  id: Identity;
  /** Processes folded in. */
  count: number;
}

/** Row key of the group for (comm, container); a NUL cannot occur in either. */
function groupKey(comm: string, container: string | null): string {
  return `exited:${comm}\0${container ?? ''}`;
}

export class Folds {
  private readonly groups = new Map<string, Group>();

  get size(): number {
    return this.groups.size;
  }

  /** Adds an exited process's tally (and this interval's growth) to its group. */
  add(tally: Tally, info: ProcInfo): void {
    mergeInto(this.join(info), tally);
  }

  /** Counts one more exited process in its group, which it returns: what
   * the process counted goes into that tally. */
  join(info: ProcInfo): Tally {
    const key = groupKey(info.comm, info.container);
    let g = this.groups.get(key);
    if (!g) {
      g = {
        totals: perSys(),
        deltas: perSys(),
        errnos: null,
        history: new RateHistory(),
        row: null,
        key,
        count: 0,
        id: {
          pid: 0,
          startTicks: 0,
          comm: info.comm,
          cmdline: '',
          user: info.user,
          uid: info.uid,
          container: info.container,
          cgroup: info.cgroup,
          exitedAt: info.exitedAt,
        },
      };
      this.groups.set(key, g);
    }
    g.count++;
    // Identity is replaced, not mutated: the last Model's row still holds
    // the old one. Most folds change nothing in it.
    const id = g.id;
    const uid = id.uid === info.uid ? id.uid : -1;
    const cgroup = id.cgroup === info.cgroup ? id.cgroup : '';
    const exitedAt = Math.max(id.exitedAt ?? 0, info.exitedAt ?? 0);
    if (uid !== id.uid || cgroup !== id.cgroup || exitedAt !== id.exitedAt) {
      g.id = { ...id, user: uid === -1 ? '*' : id.user, uid, cgroup, exitedAt };
    }
    return g;
  }

  newInterval(): void {
    for (const g of this.groups.values()) newInterval(g);
  }

  /** Rows of every group, built by `build`. */
  rows(build: (g: RowSource, key: string, id: Identity, folded: number) => ProcessRow): ProcessRow[] {
    return [...this.groups.values()].map((g) => build(g, g.key, g.id, g.count));
  }
}
