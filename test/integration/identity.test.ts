// Who a process is: (pid, start time), by host pid, in its container.
// - A pid used twice (ns_last_pid forces it) is two rows with their own totals.
// - A process in another pid namespace shows its host pid.
// - Real cgroup v2 directories named as docker, podman, containerd, CRI-O and
//   kubelet name them: the container column and --container, for a process
//   that lives and for ones that exit before msgtop ever reads /proc (the
//   kernel's cgroup id, resolved to the directory).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cgroup2Mount } from '../../src/data/proc/cgroups.js';
import { Msgtop, findProcess, msggen, probeModes, runGen, settle, timeScale, type JsonLine, type JsonProcess } from './harness.js';

// Exited processes keep rows of their own whatever else exits on the machine.
const ARGS = ['--probes', probeModes[0]!, '--ipc', 'off', '--linger', '600', '--max-exited', '100000'];

function rows(line: JsonLine, pid: number): JsonProcess[] {
  return line.processes.filter((p) => p.pid === pid && p.folded === 0);
}

describe('pid reuse and pid namespaces', () => {
  let m: Msgtop;
  before(async () => {
    m = new Msgtop([...ARGS, '--interval', '0.3']);
    await m.next();
  });
  after(async () => {
    assert.equal(await m.stop(), 0);
  });

  it('one pid, two processes (ns_last_pid): two rows, each with its own totals', async () => {
    const [first] = runGen(['--transport', 'unix', '--sendmsg', '100', '--size', '8']);
    const pid = first!.pid;
    // The next process gets ns_last_pid + 1, unless another process on the
    // machine takes it first: then try again.
    let second: { pid: number } | undefined;
    for (let attempt = 0; attempt < 50 && !second; attempt++) {
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1));
      const child = spawn(msggen, ['--wait', '--transport', 'unix', '--sendmsg', '200', '--size', '8'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: child.stdout! });
      const ready = await new Promise<string>((r) => lines.once('line', r));
      const exited = new Promise((r) => child.on('exit', r));
      if (child.pid === pid && ready === `ready ${pid}`) {
        child.stdin!.end('\n');
        await exited;
        second = { pid };
      } else {
        child.kill('SIGTERM'); // it has sent nothing yet
        await exited;
      }
    }
    assert.ok(second, `pid ${pid} never came round again`);
    const line = await settle(m);
    const both = rows(line, pid);
    assert.equal(both.length, 2, `two rows for pid ${pid}: ${JSON.stringify(both)}`);
    const sent = both.map((p) => p.syscalls['sendmsg']!.calls).sort((a, b) => a - b);
    assert.deepEqual(sent, [100, 200]);
    for (const p of both) {
      assert.equal(p.exited, true);
      assert.equal(p.syscalls['recvmsg']!.calls, p.syscalls['sendmsg']!.calls);
    }
  });

  it('in a new pid namespace: host pids, and a reused namespace pid is two processes', async () => {
    // Inside, sh is pid 1 and each msggen pid 2: writing ns_last_pid there
    // hands pid 2 out again.
    const script = `${msggen} --transport unix --sendmsg 111 --size 4; echo 1 > /proc/sys/kernel/ns_last_pid; ${msggen} --wait --transport unix --sendmsg 222 --size 4`;
    const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const got: string[] = [];
    lines.on('line', (l) => got.push(l));
    const deadline = Date.now() + 15_000 * timeScale;
    while (!got.some((l) => l.startsWith('ready ')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got.slice(-1), ['ready 2'], 'the second msggen is pid 2 in its namespace');
    // Its host pid: a child of the namespace's init (sh), unshare's child.
    const init = Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim());
    const hostPid = Number(readFileSync(`/proc/${init}/task/${init}/children`, 'utf8').trim());
    assert.match(readFileSync(`/proc/${hostPid}/status`, 'utf8'), new RegExp(`^NSpid:\\s+${hostPid}\\s+2$`, 'm'));
    child.stdin!.end('\n');
    await new Promise((r) => child.on('exit', r));
    const results = got.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { pid: number });
    assert.deepEqual(results.map((r) => r.pid), [2, 2], 'both report pid 2 from inside');

    const line = await settle(m);
    const live = findProcess(line, hostPid);
    assert.equal(live.syscalls['sendmsg']!.calls, 222);
    const earlier = line.processes.filter((p) => p.comm === 'msggen' && p.syscalls['sendmsg']?.calls === 111);
    assert.equal(earlier.length, 1, 'the first pid 2: a row of its own');
    assert.notEqual(earlier[0]!.pid, hostPid);
    assert.ok(!line.processes.some((p) => p.pid === 2 && p.comm === 'msggen'), 'no namespace pid in the table');
  });
});

const hex = (c: string) => c.repeat(64);
/** Container runtimes' cgroup names, and the short id each should show. */
const CONTAINERS = {
  docker: { dir: `system.slice/docker-${hex('a')}.scope`, id: hex('a').slice(0, 12) },
  podman: { dir: `machine.slice/libpod-${hex('b')}.scope`, id: hex('b').slice(0, 12) },
  containerd: {
    dir: `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5f1e2a3b_4c5d.slice/cri-containerd-${hex('c')}.scope`,
    id: hex('c').slice(0, 12),
  },
  crio: { dir: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod77aa.slice/crio-${hex('d')}.scope`, id: hex('d').slice(0, 12) },
  kubelet: { dir: `kubepods/besteffort/pod0e5f6a7b-1234-5678-9abc-def012345678/${hex('e')}`, id: hex('e').slice(0, 12) },
};
type Runtime = keyof typeof CONTAINERS;
const SHORT_LIVED = 4;

describe('containers from real cgroups: live, and exited before any /proc lookup', () => {
  const mount = cgroup2Mount();
  const base = join(mount ?? '/nonexistent', `msgtop-test-${process.pid}`);
  const made: string[] = [];

  before(() => {
    assert.ok(mount, 'a cgroup2 mount');
    for (const { dir } of Object.values(CONTAINERS)) {
      const parts = dir.split('/');
      for (let i = 1; i <= parts.length; i++) {
        const d = join(base, ...parts.slice(0, i));
        mkdirSync(d, { recursive: true });
        if (!made.includes(d)) made.push(d);
      }
    }
    made.unshift(base);
  });
  after(() => {
    // Deepest first; each is empty once its processes have exited.
    for (const d of [...made].sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(d);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  });

  /** `msggen args` as a process of that cgroup from its first instruction
   * (as a runtime starts one), with stdin/stdout piped. */
  const inCgroup = (runtime: Runtime, args: string[]) =>
    spawn('sh', ['-c', `echo $$ > "$0/cgroup.procs" && exec "$@"`, join(base, CONTAINERS[runtime].dir), msggen, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });

  it('the container column and --container, from /proc and from the kernel cgroup id', async () => {
    // Every sample 2 s apart: a short-lived process is born, sends and exits
    // between two of them, so msgtop never finds it in /proc.
    const all = new Msgtop([...ARGS, '--interval', '2']);
    const podman = new Msgtop([...ARGS, '--interval', '2', '--container', CONTAINERS.podman.id.slice(0, 6)]);
    const host = new Msgtop([...ARGS, '--interval', '2', '--container', 'host']);
    await Promise.all([all.next(), podman.next(), host.next()]);
    const live = inCgroup('docker', ['--hold', '--transport', 'unix', '--sendmsg', '100', '--size', '8']);
    try {
      const livePid = await new Promise<number>((r) =>
        createInterface({ input: live.stdout! }).once('line', (l) => r((JSON.parse(l) as { pid: number }).pid)),
      );
      // Short-lived ones, one after another, in each runtime's cgroup.
      const quick: { runtime: Runtime; pid: number }[] = [];
      for (const runtime of Object.keys(CONTAINERS) as Runtime[]) {
        for (let i = 0; i < SHORT_LIVED; i++) {
          const c = inCgroup(runtime, ['--transport', 'unix', '--sendmsg', '33', '--size', '8']);
          let out = '';
          c.stdout!.on('data', (d: Buffer) => (out += d));
          await new Promise((r) => c.on('exit', r));
          assert.equal(c.exitCode, 0);
          quick.push({ runtime, pid: (JSON.parse(out) as { pid: number }).pid });
        }
      }
      const endedAt = Date.now();
      const [la, lp, lh] = await Promise.all([settle(all, endedAt), settle(podman, endedAt), settle(host, endedAt)]);

      const l = findProcess(la, livePid);
      assert.equal(l.container, CONTAINERS.docker.id, 'a live process: from /proc');
      assert.equal(l.syscalls['sendmsg']!.calls, 100);
      let fromKernel = 0;
      for (const q of quick) {
        const p = findProcess(la, q.pid);
        assert.equal(p.container, CONTAINERS[q.runtime].id, `${q.runtime} pid ${q.pid}`);
        assert.equal(p.syscalls['sendmsg']!.calls, 33);
        assert.equal(p.exited, true);
        // Never read from /proc: no command line, only what the kernel kept.
        if ((p as JsonProcess & { cmdline: string }).cmdline === '') fromKernel++;
      }
      assert.ok(fromKernel >= quick.length / 2, `${fromKernel} of ${quick.length} placed by the kernel's cgroup id alone`);

      // --container: the podman container's processes only; host: none of ours.
      const ours = new Set([livePid, ...quick.map((q) => q.pid)]);
      const podmanPids = quick.filter((q) => q.runtime === 'podman').map((q) => q.pid);
      assert.deepEqual(lp.processes.filter((p) => ours.has(p.pid)).map((p) => p.pid).sort(), [...podmanPids].sort());
      assert.ok(lp.processes.every((p) => p.container === CONTAINERS.podman.id), 'only that container');
      assert.deepEqual(lh.processes.filter((p) => ours.has(p.pid)), []);
      assert.ok(lh.processes.every((p) => p.container === null));
    } finally {
      live.stdin!.end();
      if (live.exitCode === null) await new Promise((r) => live.on('exit', r));
      const codes = await Promise.all([all.stop(), podman.stop(), host.stop()]);
      assert.deepEqual(codes, [0, 0, 0]);
    }
  });
});

