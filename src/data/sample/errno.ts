// errno number → name. Node's table (from libuv) covers the portable names;
// the few Linux socket errnos it lacks and the kernel-internal restart codes
// (which can leak into a sys_exit tracepoint's return value) are added here.
import { constants } from 'node:os';

const EXTRA: Record<number, string> = {
  77: 'EBADFD',
  85: 'ERESTART',
  94: 'ESOCKTNOSUPPORT',
  96: 'EPFNOSUPPORT',
  108: 'ESHUTDOWN',
  109: 'ETOOMANYREFS',
  112: 'EHOSTDOWN',
  512: 'ERESTARTSYS',
  513: 'ERESTARTNOINTR',
  514: 'ERESTARTNOHAND',
  516: 'ERESTART_RESTARTBLOCK',
};

// Where two names share a number, glibc's strerror order: the first listed
// in Node's table (EAGAIN before EWOULDBLOCK) except that Linux spells 95
// EOPNOTSUPP.
const PREFERRED = new Set(['EOPNOTSUPP']);

const NAMES = new Map<number, string>(Object.entries(EXTRA).map(([n, name]) => [Number(n), name]));
for (const [name, n] of Object.entries(constants.errno)) {
  if (!NAMES.has(n) || PREFERRED.has(name)) NAMES.set(n, name);
}

/** "EAGAIN" for 11 (or -11); "errno 999" when unknown. */
export function errnoName(n: number): string {
  const abs = Math.abs(n);
  return NAMES.get(abs) ?? `errno ${abs}`;
}

const NUMBERS = new Map<string, number>([...NAMES].map(([n, name]) => [name, n]));

/** 11 for "EAGAIN" (errnoName's inverse, "errno 999" included); -1 when unknown. */
export function errnoNumber(name: string): number {
  const n = NUMBERS.get(name);
  if (n !== undefined) return n;
  const m = /^errno (\d{1,5})$/.exec(name);
  return m ? Number(m[1]) : -1;
}
