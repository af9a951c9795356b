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

// Characters terminals draw at another width than msgtop measures (Ink and
// string-width measure grapheme clusters, terminals such as tmux add up
// wcwidth() per code point), so a line holding them wraps or its columns
// shift: code points unassigned in our tables, private use, format and
// default-ignorable characters, spacing and enclosing marks, the parts of
// emoji sequences (skin tones, variation selectors, regional indicators),
// and U+3248-U+324F. Each is shown as its code point, \u{1f3fd}. README
// "Hostile input" says how they were found.
const UNEVEN =
  /[\p{Cn}\p{Co}\p{Cf}\p{Zl}\p{Zp}\p{Mc}\p{Me}\p{Default_Ignorable_Code_Point}\p{Emoji_Modifier}\p{Regional_Indicator}\u3248-\u324f]/gu;

const hex = (ch: string): string => `\\u{${ch.codePointAt(0)!.toString(16)}}`;

const graphemes = new Intl.Segmenter();
const MARK = /^\p{Mn}$/u;

/**
 * A cluster of several code points is measured as one character (its
 * first) while a terminal adds up each (क्ष, a conjunct of two consonants).
 * Only nonspacing marks, 0 wide on both sides, may follow a cluster's first
 * code point; any other is shown as its code point.
 */
function oneWidePerCluster(s: string): string {
  let out = '';
  for (const { segment } of graphemes.segment(s)) {
    if (segment.length <= 2 && [...segment].length === 1) {
      out += segment;
      continue;
    }
    let first = true;
    for (const cp of segment) {
      out += first || MARK.test(cp) ? cp : hex(cp);
      first = false;
    }
  }
  return out;
}

const PLAIN = /^[\x20-\x7e]*$/;

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
  if (PLAIN.test(cut)) return cut === s ? s : `${cut}…`;
  const escaped = oneWidePerCluster(cut.replace(UNSAFE, escapeOne).replace(UNEVEN, hex));
  return cut === s ? escaped : `${escaped}…`;
}
