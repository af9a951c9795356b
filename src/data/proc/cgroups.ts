// Kernel cgroup id → cgroup v2 path, for processes /proc can no longer tell
// about. The kernel records bpf_get_current_cgroup_id() when it first counts
// a process: the id of its cgroup on the v2 (unified) hierarchy, which is the
// kernfs node id of the cgroup's directory, and so the inode number of that
// directory under the cgroup2 mount (64-bit kernels). One walk of the mount
// maps every id to its path; a miss walks again, at most once per
// minScanGapMs, and never more than maxDirs directories.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupResolverOptions {
  /** The cgroup2 mount (default: from /proc/self/mountinfo; none: nothing resolves). */
  root?: string | null;
  /** Directories one walk visits at most (a bound on time and memory). */
  maxDirs?: number;
  /** Least time between two walks, in ms of `now`. */
  minScanGapMs?: number;
  /** Monotonic ms. */
  now?: () => number;
}

/** "\040" and friends, as /proc/self/mountinfo escapes a mount point. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on a pure v2
 * system, /sys/fs/cgroup/unified on a hybrid one; null if nowhere. */
export function cgroup2Mount(mountinfo = '/proc/self/mountinfo'): string | null {
  let text: string;
  try {
    text = readFileSync(mountinfo, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0 || line.slice(sep + 3).split(' ')[0] !== 'cgroup2') continue;
    const point = line.slice(0, sep).split(' ')[4];
    if (point) return unescapeMount(point);
  }
  return null;
}

const monotonicMs = (): number => performance.now();

export class CgroupResolver {
  private readonly root: string | null;
  private readonly maxDirs: number;
  private readonly minScanGapMs: number;
  private readonly now: () => number;
  /** Every cgroup the last walk found, by id. Replaced by each walk, so
   * removed cgroups do not accumulate. */
  private paths = new Map<bigint, string>();
  private scans = 0;
  private lastScanAt = -Infinity;
  /** Ids not found yet → the number of walks begun when first asked. */
  private readonly pending = new Map<bigint, number>();

  constructor(opts: CgroupResolverOptions = {}) {
    this.root = opts.root === undefined ? cgroup2Mount() : opts.root;
    this.maxDirs = opts.maxDirs ?? 100_000;
    this.minScanGapMs = opts.minScanGapMs ?? 1000;
    this.now = opts.now ?? monotonicMs;
  }

  /** Walks done so far (for tests and the bound on work). */
  get walks(): number {
    return this.scans;
  }

  /**
   * The cgroup path ("/system.slice/x.service", as in /proc/PID/cgroup) of
   * id; null when no such cgroup exists (removed, or not on this mount);
   * undefined when it cannot be told yet (a walk was done too recently):
   * ask again later. The process was counted, so its cgroup existed before
   * it was first asked about: a walk begun after that which does not find
   * it means the cgroup is gone.
   */
  resolve(id: bigint): string | null | undefined {
    const known = this.paths.get(id);
    if (known !== undefined) {
      this.pending.delete(id);
      return known;
    }
    let askedAt = this.pending.get(id);
    if (askedAt === undefined) {
      askedAt = this.scans;
      this.pending.set(id, askedAt);
    }
    if (this.scans > askedAt) {
      this.pending.delete(id);
      return null;
    }
    if (this.now() - this.lastScanAt < this.minScanGapMs) return undefined;
    this.scan();
    this.pending.delete(id);
    return this.paths.get(id) ?? null;
  }

  private scan(): void {
    this.scans++;
    this.lastScanAt = this.now();
    // Ids asked about before the walk before this one were decidable then
    // and not asked again: forget them.
    for (const [id, at] of this.pending) if (at < this.scans - 1) this.pending.delete(id);
    const paths = new Map<bigint, string>();
    if (this.root === null) return;
    const stack: string[] = ['/'];
    let visited = 0;
    while (stack.length > 0 && visited < this.maxDirs) {
      const rel = stack.pop()!;
      const abs = rel === '/' ? this.root : join(this.root, rel);
      visited++;
      try {
        paths.set(statSync(abs, { bigint: true }).ino, rel);
        for (const d of readdirSync(abs, { withFileTypes: true })) {
          if (d.isDirectory()) stack.push(rel === '/' ? `/${d.name}` : `${rel}/${d.name}`);
        }
      } catch {
        // Removed while we walked: it is not there.
      }
    }
    this.paths = paths;
  }
}
