// Every string that comes from a process or the kernel (comm, cmdline, paths,
// socket addresses, thread names) is attacker-controlled: a process can name
// itself "\x1b]0;pwned\x07" or "\x1b[2J". Escaping the control bytes turns the
// whole sequence into harmless printable text, so nothing can move the cursor,
// recolour, retitle the window or break the layout.

/** Longer input is cut here: a 1 MiB cmdline must not stall rendering. */
export const MAX_INPUT = 4096;

// C0, DEL, C1; Unicode line/paragraph separators and the invisible format
// and bidi-override characters that can visually reorder a line; lone
// surrogates (invalid UTF-16 that terminals render unpredictably).
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Display-safe form of an untrusted string. Idempotent (a backslash is left
 * alone), so the data layer and the UI can both apply it.
 */
export function escapeControl(s: string): string {
  let cut = s;
  if (s.length > MAX_INPUT) {
    let end = MAX_INPUT;
    // Do not split a surrogate pair in half.
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    cut = s.slice(0, end);
  }
  const escaped = cut.replace(UNSAFE, escapeOne);
  return cut === s ? escaped : `${escaped}…`;
}
