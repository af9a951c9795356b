// Privileges (README "Privileges"), with a user made for the test and
// removed after it: without any, one sentence; an ordinary user with
// exactly CAP_BPF, CAP_PERFMON and (where msgsnd/msgrcv need syscall
// tracepoints) CAP_DAC_READ_SEARCH counts other users' processes exactly,
// names them and attaches msgsnd/msgrcv tracing later, and fails without
// any one of them; started through sudo (SUDO_UID/SUDO_GID, as root), msgtop
// becomes that user once attached and keeps only what later attaches need.
// The bundle and the addon run from a copy every user can read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProcess, msggen, Msgtop, probeModes, runGen, readableProgram, settle, startGen, timeScale, type Counts } from './harness.js';

process.title = 'privileges-test';
const USER = `mtpriv${process.pid % 100000}`;
const GROUP2 = `${USER}x`;
let uid = 0;
let gid = 0;
let gid2 = 0;
let dir = '';
let program = '';

/** CAP_* bits as /proc/PID/status prints them. */
const CAP = { dac_read_search: 2n, perfmon: 38n, bpf: 39n } as const;
const mask = (...caps: (keyof typeof CAP)[]): string => caps.reduce((m, c) => m | (1n << CAP[c]), 0n).toString(16).padStart(16, '0');
/** msgsnd/msgrcv by syscall tracepoints (their ids are in root-only tracefs) where the kernel has no BPF trampolines. */
const ipcByTracepoints = !probeModes.includes('fexit');
const USER_CAPS: (keyof typeof CAP)[] = ipcByTracepoints ? ['bpf', 'perfmon', 'dac_read_search'] : ['bpf', 'perfmon'];

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function status(pid: number, task = ''): Record<string, string> {
  const text = readFileSync(`/proc/${pid}${task}/status`, 'utf8');
  return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

/** setpriv: become USER with exactly these capabilities, ambient (kept across exec into node). */
function asUser(caps: readonly string[]): string[] {
  const list = ['-all', ...caps.map((c) => `+${c}`)].join(',');
  return ['setpriv', '--reuid', USER, '--regid', USER, '--clear-groups', '--inh-caps', list, '--ambient-caps', list, '--bounding-set', list, '--'];
}

const c = (calls: number, messages: number, bytes: number, errors: number): Counts => ({ calls, messages, bytes, errors });

before(() => {
  sh('groupadd', ['--system', GROUP2]);
  sh('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', '--groups', GROUP2, USER]);
  uid = Number(sh('id', ['-u', USER]));
  gid = Number(sh('id', ['-g', USER]));
  gid2 = Number(sh('getent', ['group', GROUP2]).split(':')[2]);
  ({ dir, program } = readableProgram());
});

after(() => {
  spawnSync('userdel', [USER]);
  spawnSync('groupdel', [GROUP2]);
  spawnSync('groupdel', [USER]); // where useradd's user group outlives the user
  rmSync(dir, { recursive: true, force: true });
});

/** msgsnd/msgrcv from a generator started once msgtop runs: --ipc auto
 * attaches only when the queue appears, after any drop. */
async function ipcLater(m: Msgtop): Promise<void> {
  const gen = spawn(msggen, ['--msgsnd', '25', '--enomsg', '1', '--size', '64', '--ipc-delay-ms', '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  gen.stdout.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((r) => gen.on('exit', (code) => r(code)));
  let tracing = false;
  while (!tracing && gen.exitCode === null) tracing = (await m.next()).ipc.tracing;
  assert.ok(tracing, `msgsnd/msgrcv tracing attached while the queue existed (${JSON.stringify((await m.next()).ipc)})`);
  assert.equal(await exited, 0);
  const p = findProcess(await settle(m), (JSON.parse(out) as { pid: number }).pid);
  assert.deepEqual(p.syscalls['msgsnd'], c(25, 25, 1600, 0));
  assert.deepEqual(p.syscalls['msgrcv'], c(26, 25, 1600, 1));
}

/** A generator owned by root, in a docker-style cgroup: counted exactly, with its name, command line, user and container. */
async function otherUsersProcess(m: Msgtop): Promise<void> {
  const cg2 = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2')?.[1];
  assert.ok(cg2, 'a cgroup v2 mount');
  const id = 'c0ffee'.padEnd(64, '7');
  const parent = join(cg2, `msgtop-priv-${process.pid}`);
  const cgroup = join(parent, `docker-${id}.scope`);
  mkdirSync(cgroup, { recursive: true });
  const gen = startGen(['--transport', 'udp', '--size', '32', '--sendmsg', '300', '--eagain', '2']);
  try {
    const pid = Number((await gen.next()).split(' ')[1]);
    writeFileSync(join(cgroup, 'cgroup.procs'), String(pid));
    gen.child.stdin!.write('\n');
    await gen.next(); // the result line: done
    const p = findProcess(await settle(m), pid);
    assert.deepEqual(p.syscalls['sendmsg'], c(300, 300, 9600, 0));
    assert.deepEqual(p.syscalls['recvmsg'], c(302, 300, 9600, 2));
    assert.deepEqual([p.comm, p.user, p.container], ['msggen', 'root', id.slice(0, 12)]);
    assert.match(p.cmdline ?? '', /msggen --wait --hold --transport udp/);
  } finally {
    gen.child.stdin!.end();
    await new Promise((r) => (gen.child.exitCode === null ? gen.child.on('exit', r) : r(null)));
    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(cgroup);
        rmdirSync(parent);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // the exited process leaves the cgroup shortly
      }
    }
  }
}

describe('without privileges', () => {
  it('an ordinary user with no capabilities: one sentence, exit 1', () => {
    const argv = [...asUser([]), process.execPath, program, '--json', '--iterations', '1'];
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^msgtop: cannot load the BPF programs: Operation not permitted \(msgtop needs root, or the capabilities README "Privileges" lists\)$/m);
  });
});

describe(`an ordinary user with ${USER_CAPS.map((x) => `CAP_${x.toUpperCase()}`).join(', ')}`, () => {
  let m: Msgtop;
  before(async () => {
    m = new Msgtop(['--interval', '0.3', '--ipc', 'auto'], { wrap: asUser(USER_CAPS), program });
    await m.next();
  });
  after(async () => {
    assert.equal(await m.stop(), 0);
  });

  it('runs as that user with exactly those capabilities', async () => {
    const s = status(m.child.pid!);
    assert.equal(s['Uid'], `${uid}\t${uid}\t${uid}\t${uid}`);
    assert.equal(s['CapEff'], mask(...USER_CAPS));
    const line = await m.next();
    assert.deepEqual(line.privileges, { user: USER, uid, gid, dropped: false, caps: [...USER_CAPS].sort((a, b) => Number(CAP[a] - CAP[b])) });
  });

  it("counts a root process in a container exactly, with its name, command line, user and container from /proc", () => otherUsersProcess(m));

  it('attaches msgsnd/msgrcv tracing later (--ipc auto) and counts it exactly', () => ipcLater(m));

  for (const drop of USER_CAPS) {
    it(`needs CAP_${drop.toUpperCase()}`, async () => {
      const without = new Msgtop(['--interval', '0.3', '--ipc', 'auto'], { wrap: asUser(USER_CAPS.filter((x) => x !== drop)), program });
      try {
        if (drop === 'dac_read_search') {
          // Starts (sock tracepoints need no tracefs), but cannot attach
          // msgsnd/msgrcv when a queue appears, and says so.
          await without.next();
          const gen = spawn(msggen, ['--msgsnd', '5', '--ipc-delay-ms', '1500'], { stdio: 'ignore' });
          let line = await without.next();
          while (!line.ipc.error && gen.exitCode === null) line = await without.next();
          await new Promise((r) => (gen.exitCode === null ? gen.on('exit', r) : r(null)));
          assert.equal(line.ipc.tracing, false);
          assert.match(String(line.ipc.error), /^cannot attach to the msgsnd\/msgrcv syscall tracepoints: /);
        } else {
          const code = await new Promise<number | null>((r) => (without.child.exitCode !== null ? r(without.child.exitCode) : without.child.on('exit', r)));
          assert.equal(code, 1);
          assert.match(without.stderr, /^msgtop: /);
          assert.equal(without.stderr.trim().split('\n').length, 1, without.stderr);
        }
      } finally {
        await without.stop();
      }
    });
  }
});

describe('started through sudo', () => {
  const sudo = { ...process.env, SUDO_UID: '', SUDO_GID: '', SUDO_USER: USER };
  const env = (): NodeJS.ProcessEnv => ({ ...sudo, SUDO_UID: String(uid), SUDO_GID: String(gid) });

  describe('--ipc auto', () => {
    let m: Msgtop;
    before(async () => {
      m = new Msgtop(['--interval', '0.3', '--ipc', 'auto'], { program, env: env() });
      await m.next();
    });
    after(async () => {
      assert.equal(await m.stop(), 0);
    });

    it('becomes the invoking user and group (and its groups), keeping only CAP_BPF and CAP_PERFMON', async () => {
      const pid = m.child.pid!;
      const s = status(pid);
      assert.equal(s['Uid'], `${uid}\t${uid}\t${uid}\t${uid}`);
      assert.equal(s['Gid'], `${gid}\t${gid}\t${gid}\t${gid}`);
      assert.deepEqual(s['Groups']!.split(/\s+/).map(Number).sort(), [gid, gid2].sort());
      for (const f of ['CapEff', 'CapPrm', 'CapBnd']) assert.equal(s[f], mask('bpf', 'perfmon'), f);
      assert.equal(s['CapInh'], mask());
      assert.equal(s['CapAmb'], mask());
      assert.equal(s['NoNewPrivs'], '1');
      // Every thread: the user's ids; none has more than the main thread.
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        const t = status(pid, `/task/${task}`);
        assert.equal(t['Uid'], `${uid}\t${uid}\t${uid}\t${uid}`, `thread ${task}`);
        assert.ok([mask(), mask('bpf', 'perfmon')].includes(t['CapPrm']!), `thread ${task} (${t['Name']}): CapPrm ${t['CapPrm']}`);
      }
      // Not dumpable: its /proc files stay root's, and the user cannot
      // trace it or read its memory.
      assert.equal(statSync(`/proc/${pid}/environ`).uid, 0);
      const peek = spawnSync('setpriv', ['--reuid', USER, '--regid', USER, '--clear-groups', 'cat', `/proc/${pid}/environ`], { encoding: 'utf8' });
      assert.notEqual(peek.status, 0, 'the user reads its environment');
      const line = await m.next();
      assert.deepEqual(line.privileges, { user: USER, uid, gid, dropped: true, caps: ['perfmon', 'bpf'] });
    });

    it('counts exactly afterwards', async () => {
      const [g] = runGen(['--transport', 'unix', '--size', '50', '--sendmsg', '400', '--mmsg', '20', '--vlen', '5']);
      const p = findProcess(await settle(m), g!.pid);
      assert.deepEqual(p.syscalls['sendmsg'], c(400, 400, 20_000, 0));
      assert.deepEqual(p.syscalls['recvmsg'], c(400, 400, 20_000, 0));
      assert.deepEqual(p.syscalls['sendmmsg'], c(20, 100, 5_000, 0));
      assert.deepEqual(p.syscalls['recvmmsg'], c(20, 100, 5_000, 0));
    });

    it("reads another user's process in a container from /proc", () => otherUsersProcess(m));

    it('attaches msgsnd/msgrcv tracing later (--ipc auto) and counts it exactly', () => ipcLater(m));
  });

  it('--ipc off keeps only CAP_BPF', async () => {
    const m = new Msgtop(['--interval', '0.3', '--ipc', 'off', '--iterations', '2'], { program, env: env() });
    await m.next();
    assert.equal(status(m.child.pid!)['CapEff'], mask('bpf'));
    assert.deepEqual(m.lines[0]!.privileges, { user: USER, uid, gid, dropped: true, caps: ['bpf'] });
    assert.equal(await m.stop(), 0);
  });

  it('--keep-root stays root', async () => {
    const m = new Msgtop(['--interval', '0.3', '--keep-root', '--iterations', '2'], { program, env: env() });
    await m.next();
    assert.match(status(m.child.pid!)['Uid']!, /^0\t0\t0\t0$/);
    const p = m.lines[0]!.privileges!;
    assert.deepEqual([p.user, p.uid, p.dropped], ['root', 0, false]);
    assert.ok(p.caps.includes('sys_admin'));
    assert.equal(await m.stop(), 0);
  });

  it('the live table says who it runs as', async () => {
    const server = `priv-e2e-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8', env: { ...env(), E2E_NODE: process.execPath, E2E_CLI: program } });
    try {
      for (const [flags, who] of [['', `as user ${USER} \\+perfmon,bpf`], ['--keep-root', 'as root']] as const) {
        tmux('kill-session', '-t', 'p');
        tmux('new-session', '-d', '-s', 'p', '-x', '160', '-y', '30', `env -u CI "$E2E_NODE" "$E2E_CLI" --interval 0.5 ${flags}`);
        const deadline = Date.now() + 15_000 * timeScale;
        let s = '';
        while (!new RegExp(`up \\d+s {2}${who} {2}\\(`).test(s) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          s = tmux('capture-pane', '-p', '-t', 'p').stdout;
        }
        assert.match(s, new RegExp(`up \\d+s {2}${who} {2}\\(`), s);
        tmux('send-keys', '-t', 'p', 'q');
      }
    } finally {
      tmux('kill-server');
    }
  });
});
