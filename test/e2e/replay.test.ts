// Record the real table in tmux while a known workload runs and its process
// is open, then replay the file in the same table: step, play and pause,
// filter, open the process, and read its Peers and Events as recorded.
// And a disk that fills while recording: the header says so, the table goes on.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, msggen, progsLeft, timeScale } from '../integration/harness.js';
import { fmtCount } from '../../src/ui/format.js';
import { tableRows } from './screen.js';

// Filters typed below match command lines: keep this one's plain (see tui.test.ts).
process.title = 'replay-e2e';
const SERVER = `rp-e2e-${process.pid}`;
// Paths reach the sessions through the environment: the tmux server's own
// command line (it is in the table too) must not match the filter typed.
const ENV: NodeJS.ProcessEnv = { ...process.env, E2E_NODE: process.execPath, E2E_CLI: cli };

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SERVER, ...args], { encoding: 'utf8', env: ENV });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const screen = (s: string): string => tmux('capture-pane', '-p', '-t', s);

async function waitFor(s: string, what: string, test: (x: string) => boolean, ms = 15_000 * timeScale): Promise<string> {
  const deadline = Date.now() + ms;
  let x = '';
  while (Date.now() < deadline) {
    x = screen(s);
    if (test(x)) return x;
    await new Promise((r) => setTimeout(r, 100 * timeScale));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${x}`);
}

/** A key, then what it must bring on screen (a busy machine reads keys sent together as one chunk). */
async function key(s: string, k: string, what: string, test: (x: string) => boolean): Promise<string> {
  tmux('send-keys', '-t', s, k);
  return waitFor(s, what, test);
}

async function gone(s: string): Promise<void> {
  const deadline = Date.now() + 10_000 * timeScale;
  while (spawnSync('tmux', ['-L', SERVER, 'has-session', '-t', s]).status === 0) {
    assert.ok(Date.now() < deadline, `${s} still running after q`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let dir: string;
let rec: string;
/** msggen under a name of its own: no other msggen on the machine matches the filter. */
let bin: string;
const NAME = 'replaygen';
let gen: ChildProcess;
let genPid = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-replay-e2e-'));
  rec = join(dir, 'session.jsonl.gz');
  // Set before the tmux server starts: its sessions get its environment.
  ENV['E2E_REC'] = rec;
  ENV['E2E_FULL'] = join(dir, 'small', 'full.jsonl');
  bin = join(dir, NAME);
  copyFileSync(msggen, bin);
  chmodSync(bin, 0o755);
});

after(async () => {
  if (gen && gen.exitCode === null) {
    gen.stdin?.end();
    await new Promise((r) => gen.on('exit', r));
  }
  spawnSync('tmux', ['-L', SERVER, 'kill-server']);
  rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SERVER), { force: true });
  spawnSync('umount', [join(dir, 'small')]);
  rmSync(dir, { recursive: true, force: true });
});

// The generator keeps a row of its own (--linger, --max-exited) however
// many processes others start and end meanwhile.
it('recording the table: REC in the header; the opened process, its peers and events go in the file', async () => {
  tmux('new-session', '-d', '-s', 'rec', '-x', '160', '-y', '40', 'env -u CI "$E2E_NODE" "$E2E_CLI" --interval 0.5 --linger 3600 --max-exited 1000000 --record "$E2E_REC"');
  await waitFor('rec', 'the table, recording', (x) => /PID\s+USER\s+COMM/.test(x) && x.includes(`REC ${rec}`));
  // 100 datagrams a second each way over UDP for 6 s, its result to a file
  // (through a socket it would be traffic of its own).
  const out = join(dir, 'gen.out');
  const fd = openSync(out, 'w');
  gen = spawn(bin, ['--wait', '--hold', '--transport', 'udp', '--size', '100', '--sendmsg', '600', '--rate-hz', '100'], { stdio: ['pipe', fd, 'inherit'] });
  closeSync(fd);
  const deadline = Date.now() + 10_000;
  while (!genPid && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    genPid = Number(/^ready (\d+)/m.exec(readFileSync(out, 'utf8'))?.[1] ?? 0);
  }
  assert.ok(genPid, 'msggen is ready');
  gen.stdin!.write('\n');
  await key('rec', '/', 'the filter prompt', (x) => /^filter: /m.test(x));
  tmux('send-keys', '-t', 'rec', '-l', NAME);
  await waitFor('rec', 'the typed filter', (x) => x.includes(`filter: ${NAME}`));
  await key('rec', 'Enter', `${NAME} on top`, (x) => tableRows(x)[0]?.[0] === String(genPid) && !/^filter: /m.test(x));
  await key('rec', 'Enter', 'its summary', (x) => x.includes(`PID ${genPid} ${NAME}`));
  await key('rec', '3', 'its peers', (x) => (x.match(/^inet\s+udp\s/gm) ?? []).length === 2);
  await key('rec', '6', 'its events', (x) => /^\d+ recent events/m.test(x) && !/^0 recent events/m.test(x));
  // Until the workload is done: the file then holds its whole run.
  while (!/"pid"/.test(readFileSync(out, 'utf8'))) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1200));
  tmux('send-keys', '-t', 'rec', 'q');
  await gone('rec');
  assert.deepEqual(await progsLeft(), []);
});

interface Line {
  ts: number;
  detail: { key: string; peers: { local: string; remote: string; send: { messages: number }; recv: { messages: number } }[] } | null;
  event_log: { pid: number; syscall: string; ret: number }[];
}

it('replaying it: step, play and pause, filter, open the process; Peers and Events show what was recorded', async () => {
  const { gunzipSync } = await import('node:zlib');
  const lines = gunzipSync(readFileSync(rec)).toString().trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as Line);
  const n = lines.length;
  const mine = (l: Line) => l.detail !== null && l.detail.key.startsWith(`${genPid}:`) && l.detail.peers.length === 2;
  // The last interval in which the process was open with traffic on both peers.
  const t = lines.map(mine).lastIndexOf(true);
  assert.ok(t > 1, `the recording has the opened process (${n} intervals)`);
  const detail = lines[t]!.detail!;
  const events = lines.slice(0, t + 1).flatMap((l) => l.event_log.filter((e) => e.pid === genPid));
  assert.ok(events.length > 0, 'its events were recorded');

  tmux('new-session', '-d', '-s', 'play', '-x', '160', '-y', '40', 'env -u CI "$E2E_NODE" "$E2E_CLI" --replay "$E2E_REC"; echo "msgtop ended: $?"; sleep 30');
  const at = (i: number, state = 'paused') => (x: string) => x.includes(`, interval ${i} of ${n}, ${state}`) && x.includes('REPLAY');
  await waitFor('play', 'the first interval', at(1));
  await key('play', '.', 'a step forward', at(2));
  await key('play', ',', 'a step back', at(1));
  await key('play', 'p', 'playing', (x) => /interval \d+ of \d+, playing 1×/.test(x));
  await key('play', 'p', 'paused again', (x) => /interval \d+ of \d+, paused/.test(x));
  await key('play', '{', 'the first interval again', at(1));
  await key('play', '}', 'the last interval', at(n));
  await key('play', '{', 'the first interval again', at(1));
  let pos = 1;
  while (pos + 10 <= t + 1) pos = await key('play', ']', `interval ${pos + 10}`, at(pos + 10)).then(() => pos + 10);
  while (pos < t + 1) pos = await key('play', '.', `interval ${pos + 1}`, at(pos + 1)).then(() => pos + 1);

  await key('play', '/', 'the filter prompt', (x) => /^filter: /m.test(x));
  tmux('send-keys', '-t', 'play', '-l', NAME);
  await waitFor('play', 'the typed filter', (x) => x.includes(`filter: ${NAME}`));
  // Paused, the order stays: move the selection down to it (other processes may match too).
  const listed = await key('play', 'Enter', `${NAME} listed`, (x) => tableRows(x).some((r) => r[0] === String(genPid)) && !/^filter: /m.test(x));
  const row = tableRows(listed).findIndex((r) => r[0] === String(genPid));
  for (let i = 0; i < row; i++) tmux('send-keys', '-t', 'play', 'j');
  await key('play', 'Enter', 'its summary', (x) => x.includes(`PID ${genPid} ${NAME}`) && /^sendmsg\s/m.test(x));

  const peers = await key('play', '3', 'its recorded peers', (x) => (x.match(/^inet\s+udp\s/gm) ?? []).length === 2);
  for (const p of detail.peers) {
    const row = peers.split('\n').find((l) => l.startsWith('inet') && l.split(/\s+/)[2] === p.local && l.split(/\s+/)[3] === p.remote);
    assert.ok(row, `peer ${p.local} → ${p.remote} in:\n${peers}`);
    // ... TX MSGS TX BYTES RX MSGS RX BYTES
    const cells = row.trim().split(/\s+/);
    assert.deepEqual([cells.at(-4), cells.at(-2)], [fmtCount(p.send.messages), fmtCount(p.recv.messages)], row);
  }
  assert.ok(at(t + 1)(peers), 'still at the interval stepped to');

  const shown = Math.min(500, events.length);
  const ev = await key('play', '6', 'its recorded events', (x) => new RegExp(`^${shown} recent events`, 'm').test(x));
  assert.match(ev, /^\d\d:\d\d:\d\d\.\d{3}\s+\d+ sendmsg\s+\d+\s+100 /m, 'a recorded sendmsg of 100 bytes');
  // Stepping on from the Events pane: the pane follows the recording.
  if (t + 1 < n) {
    const more = Math.min(500, events.length + lines[t + 1]!.event_log.filter((e) => e.pid === genPid).length);
    await key('play', '.', `interval ${t + 2} with its events`, (x) => at(t + 2)(x) && new RegExp(`^${more} recent events`, 'm').test(x));
  }
  tmux('send-keys', '-t', 'play', 'q');
  await waitFor('play', 'msgtop ended by q', (x) => x.includes('msgtop ended: 0'));
  tmux('kill-session', '-t', 'play');
});

it('a disk that fills while recording: the header says the recording stopped, the table goes on', async () => {
  const mnt = join(dir, 'small');
  mkdirSync(mnt);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0755', 'msgtop-test', mnt], { encoding: 'utf8' });
  assert.equal(m.status, 0, `mount tmpfs: ${m.stderr}`);
  writeFileSync(join(mnt, 'filler'), Buffer.alloc(56 << 10));
  const path = ENV['E2E_FULL']!;
  tmux('new-session', '-d', '-s', 'full', '-x', '160', '-y', '40', 'env -u CI "$E2E_NODE" "$E2E_CLI" --interval 0.2 --record "$E2E_FULL"; echo "msgtop ended: $?"; sleep 30');
  const x = await waitFor('full', 'the recording stopped', (s) => s.includes(`recording to ${path} stopped: no space left on device`));
  const up = (s: string) => Number(/ up (\d+)s /.exec(s)?.[1] ?? NaN);
  const before = up(x);
  await waitFor('full', 'the table still updating', (s) => up(s) >= before + 2 && /PID\s+USER\s+COMM/.test(s));
  tmux('send-keys', '-t', 'full', 'q');
  await waitFor('full', 'msgtop ended by q', (s) => s.includes('msgtop ended: 0'));
  tmux('kill-session', '-t', 'full');
  assert.deepEqual(await progsLeft(), []);
});
