// The fuzzy filter typed after "/": fuzzysort over the escaped text of each
// row, so highlight indexes line up with what is drawn.
import fuzzysort from 'fuzzysort';
import type { TableRow } from './rows.js';

const FILTER_KEYS = [
  (r: TableRow) => r.name,
  (r: TableRow) => r.cmdline,
  (r: TableRow) => (r.pid === null ? '' : String(r.pid)),
  (r: TableRow) => r.user,
  (r: TableRow) => r.container,
];

/** Matching rows (with highlight positions) and their scores. */
export function fuzzy(rows: TableRow[], query: string): { rows: TableRow[]; score: Map<string, number> } {
  const results = fuzzysort.go(query, rows, { keys: FILTER_KEYS });
  const score = new Map<string, number>();
  const out = results.map((res) => {
    score.set(res.obj.key, res.score);
    // A key's result carries the target it matched; an empty target means no match.
    const hits = (i: number, text: string) => (res[i]?.target === text && text !== '' ? res[i]?.indexes ?? [] : []);
    return { ...res.obj, nameHits: hits(0, res.obj.name), cmdHits: hits(1, res.obj.cmdline) };
  });
  return { rows: out, score };
}
