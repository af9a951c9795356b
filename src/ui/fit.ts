// Fixed-width cells as plain strings, so a whole table row can be one <Text>.
// Widths are terminal columns as Ink counts them (string-width, Ink's own),
// so wide and East-Asian characters keep the columns aligned. ASCII, the
// common case, skips the measuring.
import stringWidth from 'string-width';

const ASCII = /^[\x20-\x7e]*$/;

/** Terminal columns `text` takes. */
export function textWidth(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(text);
}

const graphemes = new Intl.Segmenter();

/** `text` cut to `width` columns, ending in "…" when cut (as Ink's wrap="truncate"). */
export function truncate(text: string, width: number): string {
  if (ASCII.test(text)) {
    if (text.length <= width) return text;
    return width < 1 ? '' : `${text.slice(0, width - 1)}…`;
  }
  if (stringWidth(text) <= width) return text;
  if (width < 1) return '';
  // Whole characters only: a wide one that would straddle the edge goes too.
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/** `text` in exactly `width` columns: cut, then padded on the right (or left). */
export function fit(text: string, width: number, right = false): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return right ? pad + cut : cut + pad;
}

/**
 * The parts of one line (each drawn in its own style) cut together to
 * `width` columns, the last part kept ending in "…"; the same number of
 * parts, those past the cut empty. Lines that carry text from processes go
 * through here or fit(): Ink's own wrap="truncate" can leave a line one
 * column too wide when a double-width character straddles the edge, and the
 * terminal then wraps it, pushing the whole screen up a line.
 */
export function clipParts(parts: readonly string[], width: number): string[] {
  let total = 0;
  for (const p of parts) total += textWidth(p);
  if (total <= width) return [...parts];
  const out: string[] = [];
  let left = Math.max(0, width);
  for (const p of parts) {
    if (left <= 0) {
      out.push('');
      continue;
    }
    const w = textWidth(p);
    // Whole, if the ellipsis still fits after it (this is not the last part).
    if (w < left) {
      out.push(p);
      left -= w;
      continue;
    }
    // Cut here (one column less when it would fit exactly: the rest is cut).
    out.push(truncate(p, w > left ? left : left - 1));
    left = 0;
  }
  return out;
}
