// The terminal state the live table changes, and how to give it back:
// the alternate screen, the hidden cursor and raw mode. Every way msgtop
// leaves the screen goes through here: quitting, a signal, Ctrl-Z, and an
// internal error (cli.ts), so the shell always gets its terminal back.

// Like htop: draw on the alternate screen so quitting gives the shell back
// as it was, whatever way msgtop ends.
const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
/** Home and clear: a frame starts at the top of an empty screen (1049h
 * clears on xterm and tmux; not every terminal does). */
const HOME_CLEAR = '\x1b[H\x1b[2J';

let onAltScreen = false;
/** Unmounts the UI (set while the live table runs). */
let unmountUi: (() => void) | null = null;

function setRaw(on: boolean): void {
  if (process.stdin.isTTY) process.stdin.setRawMode(on);
}

/** Alternate screen on, cleared, cursor hidden. Raw mode is Ink's to turn
 * on the first time (it reads keys); `resume` turns it back on after Ctrl-Z. */
export function enterAltScreen(): void {
  if (!onAltScreen) process.on('exit', leaveAltScreen);
  onAltScreen = true;
  process.stdout.write(ALT_SCREEN_ON + HOME_CLEAR + HIDE_CURSOR);
}

/** The normal screen back, as the shell left it; cursor shown. */
export function leaveAltScreen(): void {
  if (!onAltScreen) return;
  onAltScreen = false;
  process.stdout.write(ALT_SCREEN_OFF + SHOW_CURSOR);
}

/** Before a job-control stop: normal screen, cursor, cooked mode. */
export function suspendTerminal(): void {
  leaveAltScreen();
  setRaw(false);
}

/** After SIGCONT: raw mode first (in the background that stops msgtop
 * again with SIGTTOU before anything is drawn over the shell), then the
 * alternate screen, empty; the caller redraws. */
export function resumeTerminal(): void {
  setRaw(true);
  enterAltScreen();
  // No SIGWINCH reaches a stopped job: read the size the terminal has now
  // (emits 'resize' if it changed while msgtop was stopped).
  (process.stdout as { _refreshSize?: () => void })._refreshSize?.();
}

export function setUnmount(f: (() => void) | null): void {
  unmountUi = f;
}

/** An internal error: unmount the UI if it can be, and give the terminal
 * back, so the error printed next lands on the normal screen. */
export function restoreTerminal(): void {
  const unmount = unmountUi;
  unmountUi = null;
  try {
    unmount?.();
  } catch {
    // a broken UI must not keep the screen
  }
  if (onAltScreen) {
    leaveAltScreen();
    setRaw(false);
  }
}
