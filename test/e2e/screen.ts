// Reading the table off a captured tmux pane.

/** Table rows, split on blanks: the lines after the column header that start with a pid. */
export function tableRows(screen: string): string[][] {
  const lines = screen.split('\n');
  const head = lines.findIndex((l) => /^\s*PID\s+USER\s+COMM/.test(l));
  if (head < 0) return [];
  const rows: string[][] = [];
  for (const l of lines.slice(head + 1)) {
    if (!/^\s*\d+\s/.test(l)) break;
    rows.push(l.trim().split(/\s+/));
  }
  return rows;
}
