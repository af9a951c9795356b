// Exited processes that have lingered fold into one row per (comm,
// container): their totals stay in the Model for good, while memory and
// output stay bounded on a host that starts processes all day.
import type { ProcessRow } from '../model/model.js';
import type { ProcInfo } from '../proc/registry.js';
import type { Identity, RowSource } from './row-build.js';
import { emptyTally, mergeInto, newInterval } from './tally.js';

interface Group extends RowSource {
  id: Identity;
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
  add(tally: RowSource, info: ProcInfo): void {
    const key = groupKey(info.comm, info.container);
    let g = this.groups.get(key);
    if (!g) {
      g = {
        ...emptyTally(),
        row: null,
        id: {
          key,
          pid: 0,
          startTicks: 0,
          comm: info.comm,
          cmdline: '',
          user: info.user,
          uid: info.uid,
          container: info.container,
          cgroup: info.cgroup,
          exitedAt: info.exitedAt,
          folded: 0,
        },
      };
      this.groups.set(key, g);
    }
    mergeInto(g, tally);
    // Identity is replaced, not mutated: the last Model's row still holds the old one.
    const id = g.id;
    const mixedUser = id.uid !== info.uid;
    g.id = {
      ...id,
      user: mixedUser ? '*' : id.user,
      uid: mixedUser ? -1 : id.uid,
      cgroup: id.cgroup === info.cgroup ? id.cgroup : '',
      exitedAt: Math.max(id.exitedAt ?? 0, info.exitedAt ?? 0),
      folded: id.folded + 1,
    };
  }

  newInterval(): void {
    for (const g of this.groups.values()) newInterval(g);
  }

  /** Rows of every group, built by `build`. */
  rows(build: (g: RowSource, id: Identity) => ProcessRow): ProcessRow[] {
    return [...this.groups.values()].map((g) => build(g, g.id));
  }
}
