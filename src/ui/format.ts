// Human-formatted numbers with a bounded width, so a column never jitters as
// values change. Outputs are ASCII (plus B/KiB suffixes) and safe to padStart.

/** Widest output of fmtCount. */
export const COUNT_WIDTH = 5;
/** Widest output of fmtBytes. */
export const BYTES_WIDTH = 7;

// Up to E: a kernel counter is a u64, and 2^64 is 18.4E, or 16.0EiB.
const COUNT_UNITS = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

function bad(n: number): boolean {
  return !Number.isFinite(n) || n < 0;
}

/** 0, 0.5, 12, 999, 1.2k, 34.5k, 345k, 3.4M ... at most 5 characters. */
export function fmtCount(n: number): string {
  if (bad(n)) return '-';
  if (n === 0) return '0';
  if (n < 0.05) return '~0';
  if (n < 10 && !Number.isInteger(n)) return n.toFixed(1);
  let i = 0;
  let v = n;
  while (v >= 999.5 && i < COUNT_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  if (i === 0) return String(Math.round(v));
  return `${v < 99.95 ? v.toFixed(1) : Math.round(v)}${COUNT_UNITS[i]}`;
}

/** 0B, 1023B, 3.4KiB, 34.5MiB, 345GiB ... at most 7 characters. */
export function fmtBytes(n: number): string {
  if (bad(n)) return '-';
  let i = 0;
  let v = n;
  while (v >= 1023.5 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${Math.round(v)}B`;
  return `${v < 99.95 ? v.toFixed(1) : Math.round(v)}${BYTE_UNITS[i]}`;
}

/** Uptime as 42s, 3m05s, 1h02m, 2d03h. */
export function fmtDuration(ms: number): string {
  if (bad(ms)) return '-';
  const s = Math.floor(ms / 1000);
  const two = (x: number) => String(x).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

/** Refresh interval: 0.5s, 1s, 10s. */
export function fmtInterval(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

export function fmtPercent(p: number): string {
  if (bad(p)) return '-';
  return `${p < 10 ? p.toFixed(2) : p.toFixed(1)}%`;
}

/** Wall-clock time of an event, local, with milliseconds. */
export function fmtClock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Right-aligns an already formatted ASCII value into a fixed cell. */
export function cell(text: string, width: number): string {
  return text.length >= width ? text : text.padStart(width);
}

function powerLabel(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (n >= 1024 && n % 1024 === 0 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n}${units[i]}`;
}

/**
 * Label of log2 size bucket i: bucket 0 is size 0, bucket i >= 1 holds
 * [2^(i-1), 2^i). Small buckets show inclusive bounds (4-7); from 1K up the
 * upper bound is written as the next power (1K-2K) to stay short.
 */
export function bucketLabel(i: number): string {
  if (i === 0) return '0';
  if (i === 1) return '1';
  const lo = 2 ** (i - 1);
  const hi = 2 ** i;
  if (hi <= 1024) return `${lo}-${hi - 1}`;
  return `${powerLabel(lo)}-${powerLabel(hi)}`;
}
