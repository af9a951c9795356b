// Keystrokes, normalised. Ink's useInput reports most keys; function keys
// arrive with an empty input and no flag set, so they are decoded from the
// raw sequence Ink emits (decodeFunctionKey).
import type { Key } from 'ink';

export type NamedKey =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'pageup'
  | 'pagedown'
  | 'home'
  | 'end'
  | 'enter'
  | 'escape'
  | 'backspace'
  | 'tab'
  | 'backtab'
  | 'ctrl-c'
  | 'ctrl-u'
  | 'ctrl-z'
  | 'f1'
  | 'f4'
  | 'f6'
  | 'f10';

export type Stroke = { name: NamedKey } | { char: string };

export function fromInk(input: string, key: Key): Stroke | null {
  if (key.upArrow) return { name: 'up' };
  if (key.downArrow) return { name: 'down' };
  if (key.leftArrow) return { name: 'left' };
  if (key.rightArrow) return { name: 'right' };
  if (key.pageUp) return { name: 'pageup' };
  if (key.pageDown) return { name: 'pagedown' };
  if (key.home) return { name: 'home' };
  if (key.end) return { name: 'end' };
  if (key.return) return { name: 'enter' };
  if (key.escape) return { name: 'escape' };
  // Terminals send DEL (0x7f) for Backspace; Ink calls that "delete".
  if (key.backspace || key.delete) return { name: 'backspace' };
  if (key.tab) return { name: key.shift ? 'backtab' : 'tab' };
  if (key.ctrl && input === 'c') return { name: 'ctrl-c' };
  if (key.ctrl && input === 'u') return { name: 'ctrl-u' };
  if (key.ctrl && input === 'z') return { name: 'ctrl-z' };
  if (key.ctrl || key.meta || input === '') return null;
  return { char: input };
}

// xterm, VT100/rxvt and the Linux console spell F-keys differently.
const FUNCTION_KEYS: Record<string, NamedKey> = {
  '\u001bOP': 'f1',
  '\u001b[11~': 'f1',
  '\u001b[[A': 'f1',
  '\u001bOS': 'f4',
  '\u001b[14~': 'f4',
  '\u001b[[D': 'f4',
  '\u001b[17~': 'f6',
  '\u001b[21~': 'f10',
};

export function decodeFunctionKey(raw: string): Stroke | null {
  const name = FUNCTION_KEYS[raw];
  return name ? { name } : null;
}
