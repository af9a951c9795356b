// A fake /proc (and /etc/passwd, and a cgroup tree) in a temp dir, with a
// Registry over it and a clock the test moves by hand.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CgroupResolver } from '../../src/data/proc/cgroups.js';
import { Registry } from '../../src/data/proc/registry.js';

export interface FakeProcSpec {
  comm: string;
  ticks: number;
  state?: string;
  cmdline?: string;
  uid?: number;
  cgroup?: string;
}

/** A start time in ns that falls in the given tick. */
export const NS = (ticks: number): bigint => BigInt(ticks) * 10_000_000n;

export function fakeProc() {
  const root = mkdtempSync(join(tmpdir(), 'msgtop-proc-'));
  let clock = 1_000_000;
  const statLine = (pid: number, comm: string, ticks: number, state: string) =>
    `${pid} (${comm}) ${state} ${Array(18).fill('0').join(' ')} ${ticks} 0 0\n`;
  writeFileSync(join(root, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n');
  const now = () => clock;
  // Directories stand for cgroups: a cgroup's id is its directory's inode.
  const cgroupRoot = join(root, 'cgroupfs');
  mkdirSync(cgroupRoot);
  const cgroups = new CgroupResolver({ root: cgroupRoot, now, minScanGapMs: 1000 });
  return {
    root,
    reg: new Registry({ procRoot: root, passwdPath: join(root, 'passwd'), refreshMs: 5000, now, cgroups }),
    now,
    cgroups,
    /** Makes the cgroup directory `path` ("/a/b") and returns its id. */
    cgroup(path: string): bigint {
      const dir = join(cgroupRoot, path);
      mkdirSync(dir, { recursive: true });
      return statSync(dir, { bigint: true }).ino;
    },
    removeCgroup: (path: string) => rmSync(join(cgroupRoot, path), { recursive: true }),
    advance: (ms: number) => (clock += ms),
    proc(pid: number, o: FakeProcSpec): void {
      const dir = join(root, String(pid));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'stat'), statLine(pid, o.comm, o.ticks, o.state ?? 'S'));
      writeFileSync(join(dir, 'cmdline'), o.cmdline ?? '');
      writeFileSync(join(dir, 'status'), `Name:\t${o.comm}\nUid:\t0\t${o.uid ?? 0}\t0\t0\n`);
      writeFileSync(join(dir, 'cgroup'), `0::${o.cgroup ?? '/'}\n`);
    },
    thread(pid: number, tid: number, name: string): void {
      const dir = join(root, String(pid), 'task', String(tid));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'comm'), `${name}\n`);
    },
    kill: (pid: number) => rmSync(join(root, String(pid)), { recursive: true }),
    done: () => rmSync(root, { recursive: true, force: true }),
  };
}
