// The real msgtop in a real terminal (tmux), driven by keys and read back
// with capture-pane, against a workload whose counts are known.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { msggen, probeModes, progsLeft, timeScale } from '../integration/harness.js';
import { tableRows } from './screen.js';
import { tmuxServer } from './tmux.js';

// This process and the tmux server send and receive messages too, so they are
// in the table, and the filter typed below ("msggen") matches command lines:
// keep the checkout's path (a clone in /tmp/tmp.BgHneitmAA matched) out of
// theirs. This process gets a plain title; the server is one of our own (-L),
// with no "m" in its names, and gets the paths in its environment.
process.title = 'tui-e2e';
const SESSION = `tui-e2e-${process.pid}`;
const { tmux, keys, waitFor, running, kill } = tmuxServer(SESSION);

let gen: ChildProcess;
let dir: string;
let genPid = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-e2e-'));
  // CI=true makes Ink print only the last frame: clear it for the child.
  tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '40',
    'env -u CI "$E2E_NODE" "$E2E_CLI" --interval 0.5 --ipc always');
  // Every byte msgtop writes, to show with a failure what the screen was made of.
  tmux('pipe-pane', '-t', SESSION, `cat > '${join(dir, 'pane.raw')}'`);
  await waitFor('the header', (s) => s.includes(`probes ${probeModes[0]}`) && /PID\s+USER\s+COMM/.test(s));
  // stdout to a file, not a socket, so the result line is not socket traffic.
  const out = join(dir, 'gen.json');
  gen = spawn(msggen, [
    '--hold', '--transport', 'udp', '--size', '100',
    '--sendmsg', '400', '--mmsg', '30', '--vlen', '4', '--eagain', '5', '--msgsnd', '20',
  ], { stdio: ['pipe', openSync(out, 'w'), 'inherit'] });
  const deadline = Date.now() + 15_000 * timeScale;
  while (!genPid && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const text = readFileSync(out, 'utf8');
    if (text.includes('\n')) genPid = (JSON.parse(text) as { pid: number }).pid;
  }
  assert.ok(genPid, 'generator finished its work');
});

after(async () => {
  gen.stdin?.end();
  await new Promise((r) => (gen.exitCode === null ? gen.on('exit', r) : r(null)));
  kill();
  rmSync(dir, { recursive: true, force: true });
});

it('totals: the generator tops the table with its exact counts', async () => {
  await keys('t');
  // The generator has finished, but the frame on screen may come from a
  // sample taken while it ran (seconds apart under emulation): wait for the
  // one with its last calls (recvmmsg, msgsnd) in it.
  const s = await waitFor('msggen on top with its final totals', (x) => {
    const top = tableRows(x)[0];
    return top?.[2] === 'msggen' && top[12] === '120' && top[13] === '20';
  }).catch((e: Error) => {
    // Once (in a 6.12 guest) the screen stayed garbled here: keep the bytes that made it.
    const raw = readFileSync(join(dir, 'pane.raw'), 'latin1');
    throw new Error(`${e.message}\nthe last bytes msgtop wrote, escaped:\n${JSON.stringify(raw.slice(-6000))}`);
  });
  const top = tableRows(s)[0]!;
  assert.equal(Number(top[0]), genPid);
  // PID USER COMM MSGS SEND RECV IN OUT ERR sendmsg recvmsg sendmmsg recvmmsg msgsnd
  assert.deepEqual(top.slice(3, 6), ['1.1k', '540', '540']); // 400+120+20 each way
  assert.equal(top[8], '5'); // EAGAIN
  assert.deepEqual(top.slice(9, 14), ['400', '400', '120', '120', '20']);
});

it("the header shows msgtop's own cost: the stall, the sample and the frame before it", async () => {
  const s = await waitFor('the cost line with a frame time', (x) => /stall \d+ms \(sample \d+, frame \d+\)/.test(x));
  assert.match(s, /cost: bpf [\d.]+% of a core, msgtop cpu [\d.]+%, rss [\d.]+MiB, stall \d+ms \(sample \d+, frame \d+\)/);
});

/** SGR parameters that set a foreground or background colour. */
function colourCodes(screen: string): string[] {
  const found: string[] = [];
  for (const [, params] of screen.matchAll(/\u001b\[([0-9;:]*)m/g)) {
    const first = Number(params!.split(/[;:]/)[0]);
    for (const p of params!.split(';').map(Number)) {
      if ((p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) found.push(params!);
      if (first === 38 || first === 48) break; // the rest are the colour's own numbers
    }
  }
  return found;
}

it('colour on screen by default; NO_COLOR=1 in the environment removes all of it', async () => {
  const coloured = tmux('capture-pane', '-e', '-p', '-t', SESSION);
  assert.ok(colourCodes(coloured).length > 0, `no colour in:\n${JSON.stringify(coloured.slice(0, 400))}`);
  const plainSession = `${SESSION}-nc`;
  tmux('new-session', '-d', '-s', plainSession, '-x', '160', '-y', '40',
    'env -u CI NO_COLOR=1 "$E2E_NODE" "$E2E_CLI" --interval 0.5 --ipc off');
  try {
    const capture = () => tmux('capture-pane', '-e', '-p', '-t', plainSession);
    const deadline = Date.now() + 15_000 * timeScale;
    let s = capture();
    // Wait for a full frame with sparklines (drawn in colour when allowed).
    // (auto probes: the kernel guests have no sock tracepoints on 6.1)
    while (!(/probes \w+/.test(s) && /PID\s+USER\s+COMM/.test(s) && /[▁▂▃▄▅▆▇█]/.test(s)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      s = capture();
    }
    assert.match(s, /PID\s+USER\s+COMM/, `no table in:\n${s}`);
    assert.deepEqual(colourCodes(s), []);
    assert.match(s, /\u001b\[[0-9;]*7[;m]/, 'the selection is still shown, in inverse');
  } finally {
    // It may be gone already (a failed start): then nothing is left to quit.
    spawnSync('tmux', ['-L', SESSION, 'send-keys', '-t', plainSession, 'q']);
    const deadline = Date.now() + 10_000 * timeScale;
    while (spawnSync('tmux', ['-L', SESSION, 'has-session', '-t', plainSession]).status === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

it('/ and the name filter the table to the generator', async () => {
  // Each key only once the previous one shows: a busy msgtop (under
  // emulation) reads keys sent 200 ms apart as one chunk, "/msggen", which
  // is text, not "/" then text.
  await keys('/');
  await waitFor('the filter prompt', (x) => /^filter: /m.test(x));
  await keys('-l', 'msggen');
  await waitFor('the typed filter', (x) => /^filter: msggen/m.test(x));
  await keys('Enter');
  // The prompt goes once Enter is handled: only then is the next Enter "open".
  const s = await waitFor('one row, the filter kept', (x) => tableRows(x).length === 1 && !/^filter: /m.test(x));
  assert.deepEqual(tableRows(s)[0]!.slice(0, 3), [String(genPid), 'root', 'msggen']);
  assert.match(s, /^\[TOTALS\] \[filter \/msggen\]$/m, 'the filter is on screen');
});

it('Enter drills in: per-syscall calls, messages, bytes and errors', async () => {
  await keys('Enter');
  const s = await waitFor('the summary pane', (x) => /^sendmsg\s/m.test(x) && /ERRNO/.test(x));
  const row = (name: string): string[] => {
    const line = s.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(line, `${name} row in:\n${s}`);
    return line.trim().split(/\s+/);
  };
  // ... CALLS MSGS BYTES AVG-MSG ERRS are the last five cells.
  assert.deepEqual(row('sendmsg').slice(-5), ['400', '400', '39.1KiB', '100B', '0']);
  assert.deepEqual(row('recvmsg').slice(-5), ['405', '400', '39.1KiB', '100B', '5']);
  assert.deepEqual(row('sendmmsg').slice(-5), ['30', '120', '11.7KiB', '100B', '0']);
  assert.deepEqual(row('recvmmsg').slice(-5), ['30', '120', '11.7KiB', '100B', '0']);
  assert.deepEqual(row('msgsnd').slice(-5), ['20', '20', '2.0KiB', '100B', '0']);
  assert.match(s, /EAGAIN \(11\)\s+recvmsg\s+\S+\s+5/);
});

it('Esc returns to the table; q quits and leaves no BPF program', async () => {
  await keys('Escape');
  await waitFor('the table again', (x) => tableRows(x).length >= 1);
  await keys('q');
  // The session ends with its only program.
  const deadline = Date.now() + 10_000 * timeScale;
  while (running()) {
    assert.ok(Date.now() < deadline, 'msgtop still running after q');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(await progsLeft(), []);
});
