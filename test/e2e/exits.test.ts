// Every way the live table ends, in a real terminal (tmux) with an
// interactive shell in it, as a user has it: q, F10 and Ctrl-C typed;
// SIGINT, SIGTERM, SIGHUP and SIGQUIT from another shell (kill, timeout, a
// supervisor, a dropped ssh session); an internal error (MSGTOP_TEST_CRASH,
// src/cli/test-crash.ts); SIGKILL. Afterwards the pane shows the shell, not
// the table: the normal screen, the cursor, cooked mode, the status a shell
// expects, and none of msgtop's BPF programs loaded. Ctrl-Z gives the shell
// back the same way while the kernel keeps counting, and `fg` redraws.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, msggen, progIdsOf, stillLoaded, timeScale } from '../integration/harness.js';

process.title = 'exits-e2e';
const SERVER = `exits-e2e-${process.pid}`;
const ENV = { ...process.env, E2E_NODE: process.execPath, E2E_CLI: cli };

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SERVER, ...args], { encoding: 'utf8', env: ENV });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TABLE = /PID\s+USER\s+COMM/;

let panes = 0;

/** A tmux session running an interactive bash with job control. */
class Pane {
  readonly name = `p${++panes}`;

  constructor() {
    tmux('new-session', '-d', '-s', this.name, '-x', '120', '-y', '30', "env -u CI PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile -i");
  }

  screen(): string {
    return tmux('capture-pane', '-p', '-t', this.name);
  }

  /** A tmux format of the pane: #{alternate_on}, #{cursor_flag}, #{pane_pid}. */
  format(f: string): string {
    return tmux('display-message', '-p', '-t', this.name, f).trim();
  }

  async keys(...k: string[]): Promise<void> {
    tmux('send-keys', '-t', this.name, ...k);
    await sleep(200);
  }

  /** Types a command line into the shell. */
  async run(line: string): Promise<void> {
    tmux('send-keys', '-t', this.name, '-l', line);
    await this.keys('Enter');
  }

  async waitFor(what: string, test: (s: string) => boolean, ms = 15_000 * timeScale): Promise<string> {
    const deadline = Date.now() + ms;
    let s = '';
    while (Date.now() < deadline) {
      s = this.screen();
      if (test(s)) return s;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
  }

  close(): void {
    spawnSync('tmux', ['-L', SERVER, 'kill-session', '-t', this.name]);
  }
}

interface Running {
  pid: number;
  progs: number[];
}

/** Starts msgtop from the pane's shell; resolves once the table shows. */
async function start(pane: Pane, args = '', env = ''): Promise<Running> {
  await pane.run(`${env} env -u CI "$E2E_NODE" "$E2E_CLI" --interval 0.5 ${args}`.trim());
  await pane.waitFor('the table', (s) => TABLE.test(s));
  const shell = pane.format('#{pane_pid}');
  const kids = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  assert.equal(kids.length, 1, 'one msgtop under the shell');
  const progs = progIdsOf(kids[0]!);
  assert.ok(progs.length > 0, 'its programs are loaded');
  return { pid: kids[0]!, progs };
}

/** Each thread's name, state and wait channel (for a failure message). */
function threads(pid: number): string {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((t) => {
        const st = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
        const get = (f: string) => new RegExp(`^${f}:\\s*(.*)$`, 'm').exec(st)?.[1];
        return `${get('Name')} ${get('State')} ${readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8')} pending ${get('SigPnd')}/${get('ShdPnd')} blocked ${get('SigBlk')} caught ${get('SigCgt')}`;
      })
      .join('\n');
  } catch (e) {
    return String(e);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The shell's view once msgtop has ended: its status and the terminal mode. */
async function afterExit(pane: Pane, m: Running): Promise<{ status: number; mode: string; screen: string }> {
  const deadline = Date.now() + 20_000 * timeScale;
  while (alive(m.pid)) {
    assert.ok(Date.now() < deadline, `msgtop still running: ${threads(m.pid)}\nscreen:\n${pane.screen()}`);
    await sleep(100);
  }
  await pane.run(`s=$?; echo "after-msgtop $s $(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?\\(icanon\\|echo\\)' | tr '\\n' ' ')"`);
  const screen = await pane.waitFor('the status line', (s) => /^after-msgtop \d+ /m.test(s));
  const [, status, mode] = /^after-msgtop (\d+) (.*)$/m.exec(screen)!;
  return { status: Number(status), mode: mode!.trim(), screen };
}

/** The pane shows the shell as it was: normal screen, cursor, cooked mode, no table; no program left. */
async function assertShellBack(pane: Pane, m: Running, status: number): Promise<string> {
  const r = await afterExit(pane, m);
  assert.equal(r.status, status, 'the status a shell expects');
  assert.equal(r.mode, 'icanon echo', 'cooked mode');
  assert.equal(pane.format('#{alternate_on}'), '0', 'the normal screen');
  assert.equal(pane.format('#{cursor_flag}'), '1', 'the cursor shown');
  assert.match(r.screen, /^before-msgtop$/m, 'what the shell showed before is back');
  assert.doesNotMatch(r.screen, TABLE, 'no table left on screen');
  assert.deepEqual(await stillLoaded(m.progs), [], 'no program left loaded');
  return r.screen;
}

// A session that outlives the others: the server would exit with its last
// session, racing the next new-session.
before(() => {
  tmux('new-session', '-d', '-s', 'keep', 'sleep 100000');
});

after(() => {
  spawnSync('tmux', ['-L', SERVER, 'kill-server']);
  rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SERVER), { force: true });
});

/** Runs `body` in a fresh pane that has printed "before-msgtop". */
async function inPane(body: (pane: Pane) => Promise<void>): Promise<void> {
  const pane = new Pane();
  try {
    await pane.waitFor('the prompt', (s) => /^\$/m.test(s));
    await pane.run('echo before-msgtop');
    await body(pane);
  } finally {
    pane.close();
  }
}

describe('keys typed', () => {
  for (const [label, key] of [['q', 'q'], ['F10', 'F10'], ['Ctrl-C', 'C-c']] as const) {
    it(`${label} restores the terminal and detaches, status 0`, () =>
      inPane(async (pane) => {
        const m = await start(pane);
        await pane.keys(key);
        await assertShellBack(pane, m, 0);
      }));
  }
});

describe('signals from outside', () => {
  // 128 + the signal's number, as a shell reports a program ended by it.
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129], ['SIGQUIT', 131]] as const) {
    it(`${signal}: status ${status}`, () =>
      inPane(async (pane) => {
        const m = await start(pane);
        process.kill(m.pid, signal);
        await assertShellBack(pane, m, status);
      }));
  }
});

describe('an internal error', () => {
  for (const where of ['timer', 'render'] as const) {
    it(`thrown ${where === 'timer' ? 'from a timer' : 'while rendering'}: the error on the normal screen, status 70`, () =>
      inPane(async (pane) => {
        const m = await start(pane, '', `MSGTOP_TEST_CRASH=${where}:5`);
        const screen = await assertShellBack(pane, m, 70);
        assert.match(screen, /^msgtop: internal error \(a bug: please report it\):$/m);
        assert.match(screen, new RegExp(`^Error: MSGTOP_TEST_CRASH: deliberate ${where} error$`, 'm'));
      }));
  }
});

describe('SIGKILL', () => {
  it('nothing restores the screen, but no program stays loaded; reset and tput rmcup give the terminal back', () =>
    inPane(async (pane) => {
      const m = await start(pane);
      process.kill(m.pid, 'SIGKILL');
      const r = await afterExit(pane, m);
      assert.equal(r.status, 137);
      assert.equal(pane.format('#{alternate_on}'), '1', 'still on the alternate screen');
      assert.deepEqual(await stillLoaded(m.progs), [], 'the kernel detached its programs with its fds');
      // README: reset; in tmux (and screen) also tput rmcup.
      await pane.run('reset; tput rmcup; echo "reset-done $(stty -a | tr \' ;\' \'\\n\\n\' | grep -x -- \'-\\?\\(icanon\\|echo\\)\' | tr \'\\n\' \' \')"');
      const s = await pane.waitFor('reset', (x) => /^reset-done /m.test(x));
      assert.match(s, /^reset-done icanon echo\s*$/m);
      assert.equal(pane.format('#{alternate_on}'), '0');
      assert.equal(pane.format('#{cursor_flag}'), '1');
    }));
});

describe('Ctrl-Z and fg', () => {
  let dir: string;
  let gen: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'msgtop-exits-'));
    gen = join(dir, `zgen${process.pid % 100000}`);
    copyFileSync(msggen, gen);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the generator to its end, its result line to a file (through a
   * socket, as runGen's pipe is, it would be one more message). */
  const runGen = (args: string[]): number => {
    const out = join(dir, 'gen.json');
    const fd = openSync(out, 'w');
    const r = spawnSync(gen, args, { stdio: ['ignore', fd, 'inherit'], timeout: 60_000 });
    closeSync(fd);
    assert.equal(r.status, 0, 'msggen');
    return (JSON.parse(readFileSync(out, 'utf8').split('\n')[0]!) as { pid: number }).pid;
  };

  /** The generator's row in the totals view: the cells after COMM. */
  const row = (s: string, pid: number): string[] | undefined =>
    s
      .split('\n')
      .find((l) => new RegExp(`^\\s*${pid}\\s`).test(l))
      ?.trim()
      .split(/\s+/);

  it('the shell back while stopped, counting goes on, fg redraws in full; SIGTSTP from outside the same', () =>
    inPane(async (pane) => {
      const m = await start(pane, `--comm ${gen.split('/').pop()} --ipc off`);
      await pane.keys('C-z');
      const stopped = await pane.waitFor('the job stopped', (s) => /^\[1\]\+\s+Stopped\s/m.test(s));
      assert.doesNotMatch(stopped, TABLE);
      assert.equal(pane.format('#{alternate_on}'), '0', 'the normal screen while stopped');
      assert.equal(pane.format('#{cursor_flag}'), '1');
      assert.match(spawnSync('ps', ['-o', 'stat=', '-p', String(m.pid)], { encoding: 'utf8' }).stdout, /^T/, 'stopped');
      await pane.run(`echo "mode $(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?\\(icanon\\|echo\\)' | tr '\\n' ' ')"`);
      await pane.waitFor('cooked mode', (s) => /^mode icanon echo\s*$/m.test(s));
      assert.deepEqual(progIdsOf(m.pid), m.progs, 'its programs stay attached');

      // Traffic while msgtop is stopped: sendmsg/recvmsg and sendmmsg/recvmmsg pairs.
      const g = runGen(['--transport', 'udp', '--size', '100', '--sendmsg', '700', '--mmsg', '30', '--vlen', '4']);
      await pane.run('fg');
      // The whole frame again, on the alternate screen: header, table, footer.
      let s = await pane.waitFor('the table again', (x) => TABLE.test(x) && /^msgtop /m.test(x) && /\bq quit\b/.test(x));
      assert.equal(pane.format('#{alternate_on}'), '1');
      assert.equal(pane.format('#{cursor_flag}'), '0', 'the cursor hidden again');
      // Raw mode: one key, no Enter.
      await pane.keys('t');
      s = await pane.waitFor('the generator with its totals', (x) => /\[TOTALS\]/.test(x) && row(x, g) !== undefined);
      // PID USER COMM MSGS SEND RECV IN OUT ERR sendmsg recvmsg sendmmsg recvmmsg
      const cells = row(s, g)!;
      assert.deepEqual([cells[3], cells[4], cells[5], cells[8]], ['1.6k', '820', '820', '0'], s);
      assert.deepEqual(cells.slice(9, 13), ['700', '700', '120', '120'], s);

      // SIGTSTP from another shell: the same stop, the same return.
      process.kill(m.pid, 'SIGTSTP');
      await pane.waitFor('stopped again', (x) => /^\[1\]\+\s+Stopped\s/m.test(x) && !TABLE.test(x));
      assert.equal(pane.format('#{alternate_on}'), '0');
      await pane.run('fg');
      s = await pane.waitFor('the table again', (x) => TABLE.test(x) && /\[TOTALS\]/.test(x));
      assert.deepEqual(row(s, g)!.slice(9, 13), ['700', '700', '120', '120']);
      await pane.keys('q');
      await assertShellBack(pane, m, 0);
    }));
});
