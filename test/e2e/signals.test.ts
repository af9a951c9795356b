// The live table ended by a signal from another shell (kill, timeout, a
// supervisor): the terminal gets its normal screen back, as with q, and no
// program stays loaded.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cli, progsLeft } from '../integration/harness.js';

process.title = 'signals-e2e';
const SESSION = `sig-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SESSION, ...args], { encoding: 'utf8', env: { ...process.env, E2E_NODE: process.execPath, E2E_CLI: cli } });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function waitFor(what: string, test: (s: string) => boolean, ms = 15_000): Promise<string> {
  const deadline = Date.now() + ms;
  let s = '';
  while (Date.now() < deadline) {
    s = tmux('capture-pane', '-p', '-t', SESSION);
    if (test(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}

after(() => {
  spawnSync('tmux', ['-L', SESSION, 'kill-server']);
});

// The status a shell reports for a program ended by a signal: 128 + its number.
const STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  it(`${signal} from outside restores the screen and detaches`, async () => {
    // A shell in the pane prints a marker and stays, so the screen after
    // msgtop is what the user would see.
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '30', `sh -c 'echo before-msgtop; env -u CI "$E2E_NODE" "$E2E_CLI" --interval 0.5; echo "after-msgtop $?"; sleep 60'`);
    try {
      await waitFor('the table', (s) => /PID\s+USER\s+COMM/.test(s));
      const shell = Number(tmux('display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
      const child = spawnSync('pgrep', ['-P', String(shell)], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number).filter(Boolean);
      assert.equal(child.length, 1, 'one msgtop under the shell');
      process.kill(child[0]!, signal);
      const s = await waitFor('the shell again', (x) => /after-msgtop \d+/.test(x));
      assert.match(s, new RegExp(`^after-msgtop ${STATUS[signal]}$`, 'm'), 'ended by the signal, as a shell expects');
      assert.match(s, /^before-msgtop$/m, 'the normal screen is back');
      assert.doesNotMatch(s, /PID\s+USER\s+COMM/, 'no table left on screen');
      assert.deepEqual(await progsLeft(), []);
    } finally {
      spawnSync('tmux', ['-L', SESSION, 'kill-server']);
    }
  });
}
