// Block-character graphics: a one-line sparkline for table rows and a
// multi-line column chart for the History pane. Pure string builders.

const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

function clean(values: readonly number[]): number[] {
  return values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
}

/** Last `width` values scaled to their own max; idle samples are blank. */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const tail = clean(values.slice(-width));
  const max = Math.max(0, ...tail);
  const chars = tail.map((v) => {
    if (v === 0 || max === 0) return ' ';
    return LEVELS[Math.min(LEVELS.length - 1, Math.floor((v / max) * (LEVELS.length - 1) + 0.5))] ?? ' ';
  });
  return chars.join('').padStart(width);
}

/**
 * Column chart of the last `width` values, `height` lines tall, top line
 * first. Each column is full blocks plus one partial block (eighths).
 */
export function blockChart(values: readonly number[], width: number, height: number): string[] {
  if (width <= 0 || height <= 0) return [];
  const tail = clean(values.slice(-width));
  const pad = width - tail.length;
  const max = Math.max(0, ...tail);
  const eighths = tail.map((v) => (max === 0 ? 0 : Math.round((v / max) * height * 8)));
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    let line = ' '.repeat(pad);
    for (const e of eighths) {
      const fill = e - row * 8;
      if (fill >= 8) line += '█';
      else if (fill <= 0) line += ' ';
      else line += LEVELS[fill - 1] ?? ' ';
    }
    lines.push(line);
  }
  return lines;
}
