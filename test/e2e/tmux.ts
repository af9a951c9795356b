// A tmux server of the test's own (-L NAME) with one session of the same name,
// and the helpers the end-to-end tests drive msgtop with. The server's
// environment names node and the bundle ($E2E_NODE, $E2E_CLI) for the
// session's command line.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, timeScale } from '../integration/harness.js';

export function tmuxServer(name: string, keyPauseMs = 200) {
  const env = { ...process.env, E2E_NODE: process.execPath, E2E_CLI: cli };
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', name, ...args], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** The session's screen as text (capture-pane -p and these flags). */
  const capture = (...flags: string[]): string => tmux('capture-pane', '-p', ...flags, '-t', name);
  return {
    tmux,
    capture,
    /** Sends keys, then pauses: a terminal delivers what arrives together as
     * one chunk, and "msggen\r" in one chunk is text, not text then Enter. */
    keys: async (...k: string[]): Promise<void> => {
      tmux('send-keys', '-t', name, ...k);
      await new Promise((r) => setTimeout(r, keyPauseMs));
    },
    waitFor: async (what: string, test: (s: string) => boolean, ms = 15_000 * timeScale): Promise<string> => {
      const deadline = Date.now() + ms;
      let s = '';
      while (Date.now() < deadline) {
        s = capture();
        if (test(s)) return s;
        await new Promise((r) => setTimeout(r, 100 * timeScale)); // each capture is a process msgtop counts
      }
      throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
    },
    running: (): boolean => spawnSync('tmux', ['-L', name, 'has-session', '-t', name]).status === 0,
    /** Ends the server, and removes the socket file tmux leaves behind. */
    kill: (): void => {
      spawnSync('tmux', ['-L', name, 'kill-server']);
      rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, name), { force: true });
    },
  };
}
