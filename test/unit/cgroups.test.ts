// Kernel cgroup id → cgroup path → container, for processes /proc cannot
// tell about any more. Directories in a temp dir stand for cgroups: on
// cgroup v2 a cgroup's id is its directory's inode, as here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroup2Mount, CgroupResolver } from '../../src/data/proc/cgroups.js';
import { filterProcesses, NO_FILTER } from '../../src/data/model/filter.js';
import { fakeProc, NS } from './fakeproc.js';

const HEX = '3f2a'.padEnd(64, 'c');

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'msgtop-cg-'));
  let clock = 0;
  const mk = (p: string): bigint => {
    mkdirSync(join(root, p), { recursive: true });
    return statSync(join(root, p), { bigint: true }).ino;
  };
  return { root, mk, now: () => clock, advance: (ms: number) => (clock += ms), done: () => rmSync(root, { recursive: true, force: true }) };
}

test('cgroup2Mount: the cgroup2 line of mountinfo (hybrid, pure v2, escaped, none)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'msgtop-mi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mi = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const hybrid = mi(
    'hybrid',
    '30 25 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n' +
      '31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n' +
      '41 30 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n',
  );
  assert.equal(cgroup2Mount(hybrid), '/sys/fs/cgroup/unified');
  assert.equal(cgroup2Mount(mi('v2', '35 24 0:30 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n')), '/sys/fs/cgroup');
  assert.equal(cgroup2Mount(mi('esc', '35 24 0:30 / /mnt/my\\040cgroups rw - cgroup2 none rw\n')), '/mnt/my cgroups');
  assert.equal(cgroup2Mount(mi('none', '31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n')), null);
  assert.equal(cgroup2Mount(join(dir, 'missing')), null);
});

test('ids resolve to paths from one walk; an id no walk finds is gone', (t) => {
  const c = tree();
  t.after(c.done);
  const rootId = statSync(c.root, { bigint: true }).ino;
  const svc = c.mk('system.slice/dnsmasq.service');
  const docker = c.mk(`system.slice/docker-${HEX}.scope`);
  const r = new CgroupResolver({ root: c.root, now: c.now, minScanGapMs: 1000 });
  assert.equal(r.resolve(rootId), '/');
  assert.equal(r.resolve(svc), '/system.slice/dnsmasq.service');
  assert.equal(r.resolve(docker), `/system.slice/docker-${HEX}.scope`);
  assert.equal(r.walks, 1, 'one walk answers every id that existed');
  // Not there: the walk began after it was asked about, so it is gone.
  c.advance(5000);
  assert.equal(r.resolve(123456789n), null);
  assert.equal(r.walks, 2);
});

test('a walk at most once per minScanGapMs: an id made since the last walk waits, then resolves', (t) => {
  const c = tree();
  t.after(c.done);
  const r = new CgroupResolver({ root: c.root, now: c.now, minScanGapMs: 1000 });
  assert.equal(r.resolve(statSync(c.root, { bigint: true }).ino), '/');
  const late = c.mk(`machine.slice/libpod-${HEX}.scope`);
  c.advance(200);
  assert.equal(r.resolve(late), undefined, 'too soon for another walk: ask later');
  assert.equal(r.resolve(late), undefined);
  assert.equal(r.walks, 1);
  c.advance(800);
  assert.equal(r.resolve(late), `/machine.slice/libpod-${HEX}.scope`);
  assert.equal(r.walks, 2);
  // Asked about, then removed before the next walk: gone.
  const brief = c.mk('brief');
  c.advance(100);
  assert.equal(r.resolve(brief), undefined);
  rmSync(join(c.root, 'brief'), { recursive: true });
  c.advance(1000);
  assert.equal(r.resolve(brief), null);
  // Another walk's worth of time later it is still gone, without a walk
  // until the gap has passed again.
  assert.equal(r.resolve(brief), undefined);
  c.advance(1000);
  assert.equal(r.resolve(brief), null);
});

test('a walk visits at most maxDirs directories', (t) => {
  const c = tree();
  t.after(c.done);
  const ids: bigint[] = [];
  for (let i = 0; i < 30; i++) ids.push(c.mk(`d${i}`));
  ids.push(c.mk('d0/x/y/z'));
  const r = new CgroupResolver({ root: c.root, now: c.now, maxDirs: 10 });
  const found = ids.map((id) => r.resolve(id)).filter((p) => typeof p === 'string');
  assert.equal(r.walks, 1);
  assert.ok(found.length <= 10, `${found.length} found past the bound`);
  const all = new CgroupResolver({ root: c.root, now: c.now });
  assert.equal(ids.map((id) => all.resolve(id)).filter((p) => typeof p === 'string').length, 31);
  assert.equal(all.resolve(ids[30]!), '/d0/x/y/z');
  assert.equal(new CgroupResolver({ root: null }).resolve(1n), null, 'no cgroup2 mount: nothing resolves');
});

test('a process gone before its first /proc lookup is placed in its container by its kernel cgroup id', (t) => {
  const f = fakeProc();
  t.after(f.done);
  const id = f.cgroup(`/system.slice/docker-${HEX}.scope`);
  const info = f.reg.lookup(40, NS(40), true, { comm: 'oneshot', uid: 0, cgroupId: id }, true);
  assert.equal(info.comm, 'oneshot');
  assert.equal(info.cgroup, `/system.slice/docker-${HEX}.scope`);
  assert.equal(info.container, HEX.slice(0, 12));
  // Not reported gone, but /proc has nothing: the same.
  const kube = f.cgroup(`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1f2e.slice/${HEX.replace('3f2a', '77aa')}`);
  f.advance(1000);
  const k = f.reg.lookup(41, NS(41), true, { comm: 'job', uid: 0, cgroupId: kube });
  assert.notEqual(k.exitedAt, null);
  assert.equal(k.container, '77aacccccccc');
  // A live process: /proc's word, as before.
  f.proc(42, { comm: 'live', ticks: 42, cgroup: `/system.slice/crio-${HEX}.scope` });
  assert.equal(f.reg.lookup(42, NS(42), true, { comm: 'live', uid: 0, cgroupId: id }).container, HEX.slice(0, 12));
  // The root cgroup (id of the mount's root) is the host.
  const host = f.reg.lookup(43, NS(43), true, { comm: 'h', uid: 0, cgroupId: f.cgroup('/') }, true);
  assert.deepEqual([host.cgroup, host.container], ['/', null]);
});

test('a cgroup made since the last walk is placed on a later sample (placePending)', (t) => {
  const f = fakeProc();
  t.after(f.done);
  f.reg.lookup(50, NS(50), true, { comm: 'a', uid: 0, cgroupId: f.cgroup('/first') }, true); // walks now
  const id = f.cgroup(`/system.slice/cri-containerd-${HEX}.scope`);
  f.advance(100);
  const info = f.reg.lookup(51, NS(51), true, { comm: 'late', uid: 0, cgroupId: id }, true);
  assert.equal(info.container, null, 'not yet: the last walk was 100 ms ago');
  f.reg.placePending();
  assert.equal(info.container, null);
  f.advance(1000);
  f.reg.placePending();
  assert.equal(info.container, HEX.slice(0, 12), 'the same info object, updated in place');
  assert.equal(info.cgroup, `/system.slice/cri-containerd-${HEX}.scope`);
  // And --container filters it like any other.
  const row = { ...info, key: '51:51', folded: 0 } as unknown as Parameters<typeof filterProcesses>[1][number];
  assert.equal(filterProcesses({ ...NO_FILTER, container: '3f2a' }, [row]).length, 1);
  assert.equal(filterProcesses({ ...NO_FILTER, container: 'host' }, [row]).length, 0);
});
