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
