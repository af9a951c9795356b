// `msgtop --batch`, like `top -b`: per interval one header line and the
// ranked table, as plain text. The columns, their order, widths, titles and
// number formats are the TUI's (ui/columns.ts, ui/cells.ts), every column
// at once; the command line, last, is printed whole. No escape code is ever
// written: every string from a process or the kernel is escaped as on screen.
import type { Model } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { cellText, headerCell } from '../ui/cells.js';
import { allColumns, effectiveSort } from '../ui/columns.js';
import { fmtBytes, fmtCount, fmtInterval } from '../ui/format.js';
import { rankRows } from '../ui/rank.js';
import type { UiState } from '../ui/state.js';

const two = (x: number) => String(x).padStart(2, '0');

/** Local date and time to the second: 2026-12-01 21:14:03. */
function fmtDateTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The block's first line: when, how long, how, how much, what was lost. */
export function batchHeader(m: Model, totals: boolean): string {
  const per = totals ? '' : '/s';
  const stat = totals ? 'total' : 'rate';
  const send = m.send[stat];
  const recv = m.recv[stat];
  const h = m.health;
  const mapFull = h.counterMapFull + h.errnoMapFull + h.detailMapFull + h.procMapFull;
  const where = m.replay ? ` [replay ${m.replay.position} of ${m.replay.count}]` : '';
  return (
    `msgtop ${fmtDateTime(m.ts)}${where}  interval ${fmtInterval(m.intervalMs)}  probes ${m.probes}` +
    `  msgs${per} ${fmtCount(send.messages + recv.messages)}  send ${fmtCount(send.messages)}  recv ${fmtCount(recv.messages)}` +
    `  in ${fmtBytes(recv.bytes)}${per}  out ${fmtBytes(send.bytes)}${per}  err${per} ${fmtCount(send.errors + recv.errors)}` +
    `  drops ${fmtCount(h.ringbufDrops)}  missed ${fmtCount(h.progMissed)}  map-full ${fmtCount(mapFull)}  lost ${fmtCount(h.stateLost)}` +
    `  host ${escapeControl(m.host)}  kernel ${escapeControl(m.kernel)}`
  );
}

/**
 * One interval as text: the header line, the column titles and up to
 * `rows` ranked rows (all when null), each line ending in a newline, then
 * an empty line.
 */
export function batchBlock(m: Model, ui: UiState, rows: number | null): string {
  const columns = allColumns(ui);
  const sortBy = effectiveSort(ui.sortBy, ui);
  const sort = { by: sortBy, desc: ui.sortDesc, totals: ui.totals };
  const ranking = rankRows(m.processes, ui, sortBy);
  const n = rows === null ? ranking.length : Math.min(rows, ranking.length);
  const lines = [batchHeader(m, ui.totals)];
  lines.push(
    columns
      .map((c, i) => {
        const h = headerCell(c, i === 0, sort);
        return h.pad + h.label + h.rest;
      })
      .join('')
      .trimEnd(),
  );
  const last = columns.length - 1;
  for (const row of ranking.rows(0, n)) {
    // The last column (the command line) is not cut to its width.
    const cells = columns.map((c, i) => (i === last && c.id === 'cmdline' ? ` ${row.cmdline}` : cellText(row, c, i === 0)));
    lines.push(cells.join('').trimEnd());
  }
  if (n === 0) lines.push(m.processes.length === 0 ? '(no message traffic seen yet)' : '(no process matches the filters)');
  return lines.join('\n') + '\n\n';
}
