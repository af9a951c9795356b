// How msgtop starts and ends: user errors get one sentence and a non-zero
// exit; every exit path leaves no BPF program attached; msgsnd/msgrcv
// tracing follows the existence of SysV queues.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { cli, findProcess, freePort, msggen, Msgtop, probeModes, progIdsOf, progNamesOf, progsLeft, settle, stillLoaded, timeScale, type Counts } from './harness.js';

function run(args: string[], prefix: string[] = []): { status: number | null; stderr: string; stdout: string } {
  const argv = [...prefix, process.execPath, cli, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 * timeScale });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

// Root without any capability: still able to read the checkout wherever it
// is (a 0700 temporary clone stops other users), but not to load BPF.
const NO_CAPS = ['setpriv', '--bounding-set=-all', '--inh-caps=-all'];

function assertOneSentence(stderr: string): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0]!, /^msgtop: /);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('user errors', () => {
  it('a bad flag value: usage sentence, exit 2', () => {
    const r = run(['--json', '--probes', 'kprobes']);
    assert.equal(r.status, 2);
    assertOneSentence(r.stderr);
    assert.match(r.stderr, /--probes must be one of auto, sock, fexit, syscalls/);
  });

  it('an unknown flag: exit 2', () => {
    const r = run(['--jsonn']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown flag/);
  });

  it('no terminal and no output mode: says to use --json, exit 2', () => {
    const r = run([]);
    assert.equal(r.status, 2);
    assertOneSentence(r.stderr);
    assert.match(r.stderr, /use --json/);
  });

  it('without privileges: one sentence, exit 1', () => {
    const r = run(['--json', '--iterations', '1'], NO_CAPS);
    assert.equal(r.status, 1);
    assertOneSentence(r.stderr);
    assert.match(r.stderr, /needs root/);
  });

  // MSGTOP_PROBES lists fexit where the kernel has trampolines (the Debian
  // guests); this CI VM's kernel refuses them.
  it(`--probes fexit ${probeModes.includes('fexit') ? 'runs here' : 'without trampolines: one sentence, exit 1'}`, async () => {
    const r = run(['--json', '--iterations', '1', '--interval', '0.2', '--probes', 'fexit']);
    if (probeModes.includes('fexit')) {
      assert.equal(r.status, 0, r.stderr);
      const line = JSON.parse(r.stdout.trim().split('\n')[0]!) as { probes: string; probes_reason: string };
      assert.deepEqual([line.probes, line.probes_reason], ['fexit', 'forced by --probes']);
    } else {
      assert.equal(r.status, 1);
      assertOneSentence(r.stderr);
      assert.match(r.stderr, /^msgtop: --probes fexit needs BPF trampolines \(fentry\/fexit\), which this kernel does not provide \(.+\)$/m);
    }
    assert.deepEqual(await progsLeft(), []);
  });

  it('--help lists flags with examples', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    for (const flag of ['--json', '--interval', '--iterations', '--pid', '--probes', '--ipc']) assert.ok(r.stdout.includes(flag), flag);
    assert.match(r.stdout, /Examples/);
  });
});

describe('detach on every exit path', () => {
  it('--iterations N prints N lines, exits 0 and detaches', async () => {
    const r = run(['--json', '--iterations', '3', '--interval', '0.1']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 3);
    assert.deepEqual(await progsLeft(), []);
  });

  it('a reader that closes the pipe (| head -c 100): exit 0, nothing on stderr, no program left', async () => {
    const child = spawn(process.execPath, [cli, '--json', '--interval', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // As head does: read the first bytes, then close the read end.
    let progs: number[] = [];
    child.stdout.once('data', () => {
      progs = progIdsOf(child.pid!);
      child.stdout.destroy();
    });
    const exit = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(stderr, '');
    assert.equal(exit, 0);
    assert.ok(progs.length > 0, 'attached while running');
    assert.deepEqual(await stillLoaded(progs), []);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGKILL'] as const) {
    it(`${signal} leaves no program attached`, async () => {
      const m = new Msgtop(['--probes', 'syscalls', '--ipc', 'always', '--interval', '0.2']);
      await m.next();
      // Its own programs, by id: another msgtop on the machine may come and go meanwhile.
      const progs = progIdsOf(m.child.pid!);
      assert.ok(progs.length > 0, 'attached while running');
      const code = new Promise<number | null>((r) => m.child.on('exit', (c) => r(c)));
      m.child.kill(signal);
      const exit = await code;
      if (signal !== 'SIGKILL') assert.equal(exit, 0);
      assert.deepEqual(await stillLoaded(progs), []);
    });
  }
});

describe('closed output and internal errors', () => {
  it('an internal error (MSGTOP_TEST_CRASH): the error on stderr, status 70, no program left', async () => {
    // Well after its first line, however slow the start (a kernel guest).
    const m = new Msgtop(['--interval', '0.2'], { env: { ...process.env, MSGTOP_TEST_CRASH: `timer:${5 * timeScale}` } });
    await m.next();
    const progs = progIdsOf(m.child.pid!);
    assert.ok(progs.length > 0, 'attached while running');
    const exit = await new Promise<number | null>((r) => (m.child.exitCode !== null ? r(m.child.exitCode) : m.child.on('exit', (c) => r(c))));
    assert.equal(exit, 70);
    assert.match(m.stderr, /^msgtop: internal error \(a bug: please report it\):\nError: MSGTOP_TEST_CRASH: deliberate timer error\n/);
    assert.deepEqual(await stillLoaded(progs), []);
  });

  it('the headless exporter whose stdout and stderr readers are gone keeps serving; SIGTERM ends it with 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [cli, '--prometheus', String(port), '--interval', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Both readers gone before the exporter says where it listens.
    child.stdout.destroy();
    child.stderr.destroy();
    let progs: number[] = [];
    try {
      let text = '';
      const deadline = Date.now() + 15_000 * timeScale;
      while (!text.includes('msgtop_info') && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 200));
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      }
      assert.equal(child.exitCode, null, 'still running');
      assert.match(text, /^msgtop_info\{/m);
      progs = progIdsOf(child.pid!);
    } finally {
      const exit = new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (c) => r(c))));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    }
    assert.ok(progs.length > 0);
    assert.deepEqual(await stillLoaded(progs), []);
  });
});

describe('--ipc auto', () => {
  it('attaches msgsnd/msgrcv tracing while a queue exists, counts exactly, detaches after', async () => {
    const queues = readFileSync('/proc/sysvipc/msg', 'utf8').trim().split('\n').length - 1;
    assert.equal(queues, 0, 'this test needs a machine with no SysV message queues');
    const m = new Msgtop(['--probes', 'auto', '--ipc', 'auto', '--interval', '0.2']);
    let progs: number[] = [];
    try {
      const first = await m.next();
      progs = progIdsOf(m.child.pid!);
      assert.equal(first.probes, probeModes[0], 'the mode auto picks on this kernel');
      const rel = /^\d+\.\d+/.exec(release())![0];
      const why = { sock: 'cheapest: sock tracepoints', fexit: 'no sock tracepoints', syscalls: 'no sock tracepoints, no BPF trampolines' };
      assert.equal(first.probes_reason, `${why[probeModes[0]!]} on ${rel}`);
      assert.equal(first.ipc.tracing, false);
      const gen = spawn(msggen, ['--msgsnd', '25', '--enomsg', '1', '--size', '64', '--ipc-delay-ms', '1500'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      gen.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((r) => gen.on('exit', (c) => r(c)));
      let sawTracing = false;
      while (!sawTracing && gen.exitCode === null) sawTracing = (await m.next()).ipc.tracing;
      assert.ok(sawTracing, 'tracing attached while the queue existed');
      // By fexit where the kernel has trampolines (MSGTOP_PROBES lists fexit
      // there), else by syscall tracepoints: only that pair is loaded.
      const ipc = progNamesOf(m.child.pid!).filter((n) => /msg(snd|rcv)$/.test(n)).sort();
      assert.deepEqual(ipc, probeModes.includes('fexit') ? ['fexit_msgrcv', 'fexit_msgsnd'] : ['enter_msgrcv', 'enter_msgsnd', 'exit_msgrcv', 'exit_msgsnd']);
      assert.equal(await exited, 0);
      const pid = (JSON.parse(out) as { pid: number }).pid;
      const p = findProcess(await settle(m), pid);
      const c = (calls: number, messages: number, bytes: number, errors: number): Counts => ({ calls, messages, bytes, errors });
      assert.deepEqual(p.syscalls.msgsnd, c(25, 25, 1600, 0));
      assert.deepEqual(p.syscalls.msgrcv, c(26, 25, 1600, 1));
      assert.equal((await m.next(2)).ipc.tracing, false, 'detached once the queue was gone');
    } finally {
      assert.equal(await m.stop(), 0);
    }
    assert.ok(progs.length > 0);
    assert.deepEqual(await stillLoaded(progs), []);
  });
});
