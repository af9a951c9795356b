// --batch, --record and --replay with the real kernel: batch text carries
// the exact numbers a workload made and not one escape byte; what msgtop
// printed live comes back byte for byte from its recording, also after a
// SIGKILL; the file is private and never written through a symlink; a full
// disk stops the recording, not msgtop; a replay needs no privileges.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, openSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, msggen, msgtopProgsLoaded, progsLeft, readableProgram, timeScale } from './harness.js';

process.title = 'record-test';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-rec-'));
  chmodSync(dir, 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A running msgtop with its stdout kept as text. */
class Run {
  readonly child: ChildProcess;
  out = '';
  err = '';
  readonly exit: Promise<number | null>;
  constructor(args: string[], prefix: string[] = [], env: NodeJS.ProcessEnv = process.env) {
    const argv = [...prefix, process.execPath, cli, ...args];
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exit = new Promise((r) => this.child.on('close', (code) => r(code)));
  }
  /** Waits until `test` holds for the output so far. */
  async until(what: string, test: (out: string) => boolean, ms = 20_000 * timeScale): Promise<string> {
    const deadline = Date.now() + ms;
    while (!test(this.out)) {
      if (this.child.exitCode !== null) throw new Error(`msgtop exited (${this.child.exitCode}) before ${what}: ${this.err}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms: ${this.err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.out;
  }
  /** Complete lines so far (a large one arrives in pieces). */
  lines(): string[] {
    return this.out.split('\n').slice(0, -1);
  }
  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exit;
  }
}

function replay(path: string, args: string[], prefix: string[] = [], program = cli) {
  const argv = [...prefix, process.execPath, program, '--replay', path, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs msggen to completion with its result written to a file: through a
 * socket (Node's pipes are) it would be message traffic of its own. */
function runGen(args: string[]): { pid: number } {
  const out = join(dir, `gen-${Date.now()}.json`);
  const fd = openSync(out, 'w');
  try {
    const r = spawnSync(msggen, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `msggen: ${r.stderr}`);
  } finally {
    closeSync(fd);
  }
  return JSON.parse(readFileSync(out, 'utf8')) as { pid: number };
}

function assertOneSentence(stderr: string, re: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0]!, re);
}

// Each side 300 sendmsg + 80 datagrams in 20 sendmmsg + 20 msgsnd = 400
// messages of 100 bytes, and 5 EAGAIN: every figure under 1000, so the
// table's formats print them exactly.
/** The generator keeps a row of its own however many processes others end meanwhile. */
const KEEP = ['--linger', '3600', '--max-exited', '1000000'];

const GEN = ['--transport', 'udp', '--size', '100', '--sendmsg', '300', '--mmsg', '20', '--vlen', '4', '--eagain', '5', '--msgsnd', '20'];

describe('--batch', () => {
  it('exact numbers for a known workload, in the TUI columns, and no escape byte, ever', async () => {
    const m = new Run(['--batch', '--totals', '--interval', '0.3', '--ipc', 'always', ...KEEP]);
    try {
      await m.until('the first block', (o) => o.includes('\n\n'));
      const pid = String(runGen(GEN).pid);
      // A block taken after the workload ended has its final totals.
      const row = (block: string) => block.split('\n').find((l) => l.trim().split(/\s+/)[0] === pid);
      const text = await m.until('the generator with its final totals', (o) => o.split('\n\n').some((b) => row(b)?.trim().split(/\s+/)[13] === '20'));
      const block = text.split('\n\n').find((b) => row(b)?.trim().split(/\s+/)[13] === '20')!;
      const lines = block.split('\n');
      assert.match(lines[0]!, /^msgtop \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}interval 0\.3\ds? {2}probes \w+ {2}msgs \S+ {2}send \S+ {2}recv \S+ {2}in \S+ {2}out \S+ {2}err \S+ {2}drops 0 {2}missed 0 {2}map-full 0 {2}lost 0 {2}host \S+ {2}kernel \S+$/);
      assert.deepEqual(lines[1]!.trim().split(/\s+/), ['PID', 'USER', 'COMM', 'MSGS▼', 'SEND', 'RECV', 'IN', 'OUT', 'ERR', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'msgsnd', 'HISTORY', 'CONTAINER', 'CMDLINE']);
      // PID USER COMM MSGS SEND RECV IN OUT ERR sendmsg recvmsg sendmmsg recvmmsg msgsnd
      assert.deepEqual(row(block)!.trim().split(/\s+/).slice(0, 14), [pid, 'root', 'msggen', '800', '400', '400', '39.1KiB', '39.1KiB', '5', '300', '300', '80', '80', '20']);
    } finally {
      assert.equal(await m.stop(), 0);
    }
    assert.ok(!m.out.includes('\u001b'), 'no ESC byte in the whole output');
    assert.equal(m.err, '');
    assert.deepEqual(await progsLeft(), []);
  });

  it('`--batch | head` ends quietly: exit 0, nothing on stderr, no program left', async () => {
    const m = new Run(['--batch', '--interval', '0.2']);
    m.child.stdout!.once('data', () => m.child.stdout!.destroy());
    assert.equal(await m.exit, 0);
    assert.equal(m.err, '');
    assert.deepEqual(await progsLeft(), []);
  });
});

describe('--record, then --replay', () => {
  for (const name of ['rt.jsonl', 'rt.jsonl.gz']) {
    it(`${name}: --replay --json prints what --json printed live, byte for byte, with the exact counts`, async () => {
      const path = join(dir, name);
      const m = new Run(['--json', '--record', path, '--interval', '0.2', '--ipc', 'always', ...KEEP]);
      let pid = 0;
      try {
        await m.until('a line', (o) => o.includes('\n'));
        pid = runGen(GEN).pid;
        const ended = Date.now();
        await m.until('two lines sampled after the workload', () => m.lines().filter((l) => (JSON.parse(l) as { ts: number }).ts > ended).length >= 2);
      } finally {
        assert.equal(await m.stop(), 0);
      }
      const r = replay(path, ['--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, m.out, 'every line, every counter, byte for byte');
      const last = JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!) as { processes: { pid: number; syscalls: Record<string, object> }[] };
      const p = last.processes.find((x) => x.pid === pid)!;
      const c = (calls: number, messages: number, bytes: number, errors: number) => ({ calls, messages, bytes, errors });
      assert.deepEqual(p.syscalls, {
        sendmsg: c(300, 300, 30_000, 0),
        recvmsg: c(305, 300, 30_000, 5),
        sendmmsg: c(20, 80, 8_000, 0),
        recvmmsg: c(20, 80, 8_000, 0),
        msgsnd: c(20, 20, 2_000, 0),
        msgrcv: c(20, 20, 2_000, 0),
      });
      // The filters apply on replay as live.
      const only = replay(path, ['--json', '--pid', String(pid)]);
      assert.deepEqual(
        only.stdout.trimEnd().split('\n').map((l) => (JSON.parse(l) as { processes: { pid: number }[] }).processes.map((x) => x.pid)).filter((ps) => ps.length > 0).at(-1),
        [pid],
      );
      assert.equal(statSync(path).mode & 0o777, 0o600);
    });
  }

  for (const name of ['killed.jsonl', 'killed.jsonl.gz']) {
    it(`${name}: a msgtop killed with SIGKILL while recording leaves a file that replays`, async () => {
      const path = join(dir, name);
      const m = new Run(['--json', '--record', path, '--interval', '0.1']);
      await m.until('six lines', () => m.lines().length >= 6);
      await m.stop('SIGKILL');
      const live = m.lines();
      const r = replay(path, ['--json']);
      assert.equal(r.status, 0, r.stderr);
      const replayed = r.stdout.trimEnd().split('\n');
      // Each interval is in the file before it is printed.
      assert.ok(replayed.length >= live.length, `${replayed.length} replayed, ${live.length} printed`);
      assert.deepEqual(replayed.slice(0, live.length), live);
      // (That SIGKILL detaches everything is lifecycle.test.ts's.)
    });
  }
});

describe('a recording is written safely as root', () => {
  it('a symlink planted at the path is refused before anything is attached, and its target is left alone', async () => {
    const target = join(dir, 'shadow');
    writeFileSync(target, 'root:secret\n', { mode: 0o640 });
    symlinkSync(target, join(dir, 'planted'));
    const r = new Run(['--json', '--record', join(dir, 'planted'), '--iterations', '1']);
    assert.equal(await r.exit, 1);
    assertOneSentence(r.err, /^msgtop: --record \S+planted: that is a symbolic link, which msgtop never follows: give the name of a new file$/);
    assert.equal(readFileSync(target, 'utf8'), 'root:secret\n');
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.deepEqual(msgtopProgsLoaded(), [], 'refused before the kernel was touched');
    writeFileSync(join(dir, 'exists.jsonl'), 'keep');
    const e = new Run(['--json', '--record', join(dir, 'exists.jsonl'), '--iterations', '1']);
    assert.equal(await e.exit, 1);
    assertOneSentence(e.err, /the file exists, and msgtop writes only new files \(it never overwrites or appends\): give a new name$/);
    assert.equal(readFileSync(join(dir, 'exists.jsonl'), 'utf8'), 'keep');
    const ro = new Run(['--json', '--record', '/proc/msgtop-test.jsonl', '--iterations', '1']);
    assert.equal(await ro.exit, 1);
    assertOneSentence(ro.err, /^msgtop: --record \/proc\/msgtop-test\.jsonl: cannot create it: /);
  });

  it('mode 0600 whatever the umask; under sudo the file belongs to the user who ran it', async () => {
    const path = join(dir, 'private.jsonl.gz');
    const r = new Run(['--json', '--record', path, '--iterations', '2', '--interval', '0.1'], ['sh', '-c', 'umask 000; exec "$0" "$@"'], { ...process.env, SUDO_UID: '65534', SUDO_GID: '65534' });
    assert.equal(await r.exit, 0, r.err);
    const st = statSync(path);
    assert.equal(st.mode & 0o777, 0o600);
    assert.deepEqual([st.uid, st.gid], [65534, 65534]);
    assert.equal(replay(path, ['--json']).stdout, r.out);
  });
});

describe('a full disk stops the recording, not msgtop', () => {
  let mnt: string;
  before(() => {
    mnt = join(dir, 'small');
    mkdirSync(mnt);
    // Room for a few intervals only: a line holds every process on the machine, so its size is measured.
    const one = spawnSync(process.execPath, [cli, '--json', '--iterations', '1', '--interval', '0.1'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.equal(one.status, 0, one.stderr);
    const pages = Math.ceil((4 * one.stdout.length + (16 << 10)) / 4096);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${pages * 4}k,mode=0755`, 'msgtop-test', mnt], { encoding: 'utf8' });
    assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  });
  after(() => {
    spawnSync('umount', [mnt]);
  });

  it('--json: one sentence on stderr, every interval still printed, the file keeps its complete intervals', async () => {
    const path = join(mnt, 'full.jsonl');
    const r = new Run(['--json', '--record', path, '--interval', '0.1', '--iterations', '40']);
    assert.equal(await r.exit, 0, r.err);
    assert.equal(r.lines().length, 40, 'the output goes on');
    const m = /^msgtop: recording to (\S+) stopped: no space left on device; the file keeps the (\d+) complete intervals before it$/.exec(r.err.trimEnd());
    assert.ok(m, `stderr: ${r.err}`);
    assert.equal(m[1], path);
    const kept = Number(m[2]);
    assert.ok(kept >= 1 && kept < 40, `${kept} intervals kept`);
    const back = replay(path, ['--json']);
    assert.equal(back.status, 0, back.stderr);
    assert.equal(back.stderr, '', 'cut back to its last complete interval: nothing torn');
    assert.deepEqual(back.stdout.trimEnd().split('\n'), r.lines().slice(0, kept));
    assert.deepEqual(await progsLeft(), []);
  });
});

describe('--replay needs no privileges', () => {
  it('root without any capability, and the nobody user, replay what root recorded', () => {
    const src = join(dir, 'rt.jsonl.gz');
    assert.ok(existsSync(src), 'recorded by an earlier test');
    const open = join(dir, 'shared.jsonl.gz');
    copyFileSync(src, open);
    chmodSync(open, 0o644);
    const want = replay(src, ['--batch', '--totals']).stdout;
    assert.ok(want.length > 0);
    const noCaps = replay(open, ['--batch', '--totals'], ['setpriv', '--bounding-set=-all', '--inh-caps=-all']);
    assert.equal(noCaps.status, 0, noCaps.stderr);
    assert.equal(noCaps.stdout, want);
    const live = spawnSync('setpriv', ['--bounding-set=-all', '--inh-caps=-all', process.execPath, cli, '--json', '--iterations', '1'], { encoding: 'utf8' });
    assert.equal(live.status, 1, 'while the live kernel needs them');
    const shared = readableProgram();
    copyFileSync(open, join(shared.dir, 'shared.jsonl.gz'));
    chmodSync(join(shared.dir, 'shared.jsonl.gz'), 0o644);
    const nobody = replay(join(shared.dir, 'shared.jsonl.gz'), ['--batch', '--totals'], ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--bounding-set=-all', '--inh-caps=-all'], shared.program);
    rmSync(shared.dir, { recursive: true, force: true });
    assert.equal(nobody.status, 0, nobody.stderr);
    assert.equal(nobody.stdout, want);
  });
});
