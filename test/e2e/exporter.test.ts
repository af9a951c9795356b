// In a terminal, `msgtop --prometheus` is the live table and the exporter in
// one process: one set of BPF programs, one sampler. The table shows on the
// screen while /metrics serves the same counts.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, freePort, msggen, progsLeft, runGen } from '../integration/harness.js';

process.title = 'exporter-e2e';
const SESSION = `exp-e2e-${process.pid}`;
// A name of its own, so no other process's traffic adds to its series.
const NAME = `xg${process.pid % 100000}`;
let dir: string;
let port: number;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SESSION, ...args], { encoding: 'utf8', env: { ...process.env, E2E_NODE: process.execPath, E2E_CLI: cli } });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function until<T>(what: string, f: () => Promise<T | null>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${tmux('capture-pane', '-p', '-t', SESSION)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The value of one sample line of /metrics, or null while it is absent. */
async function metric(name: string, labels: string[]): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((x) => l.includes(x)));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(' ') + 1));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-exp-'));
  copyFileSync(msggen, join(dir, NAME));
  port = await freePort();
  tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', SESSION, `exec env -u CI "$E2E_NODE" "$E2E_CLI" --prometheus 127.0.0.1:${port} --interval 0.5 --ipc off`);
});

after(async () => {
  spawnSync('tmux', ['-L', SESSION, 'kill-server']);
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(await progsLeft(), [], 'no msgtop program left loaded');
});

it('shows the table and serves the same exact counts on /metrics', async () => {
  await until('the table', async () => (/PID\s+USER\s+COMM/.test(tmux('capture-pane', '-p', '-t', SESSION)) ? true : null));
  const [gen] = runGen(['--sendmsg', '321', '--size', '10'], undefined, join(dir, NAME));
  const labels = [`comm="${NAME}"`, 'syscall="sendmsg"'];
  const sent = await until('the generator on /metrics', async () => ((await metric('msgtop_messages_total', labels)) === 321 ? 321 : null));
  assert.equal(sent, 321);
  assert.equal(await metric('msgtop_bytes_total', labels), 3210);
  const screen = await until('the generator in the table', async () => {
    const s = tmux('capture-pane', '-p', '-t', SESSION);
    return s.includes(` ${gen!.pid} `) ? s : null;
  });
  assert.match(screen, new RegExp(`${gen!.pid} root +${NAME}`));
  // Nothing but the table reaches the terminal: no "serving ..." line on it.
  assert.doesNotMatch(screen, /serving http/);
  // q quits both.
  tmux('send-keys', '-t', SESSION, 'q');
  await until('the exporter to stop', async () => (await fetch(`http://127.0.0.1:${port}/metrics`).then(() => null, () => true)));
});
