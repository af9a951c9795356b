// Which probe modes to try, cheapest first, and the one-line reason the
// header and --json give for the mode that attached.
import type { ProbeMode } from '../model/model.js';

export type ProbeChoice = 'auto' | ProbeMode;

/** Cheapest first: socket-layer tracepoints tax nothing else; syscall
 * tracepoints tax every syscall on the machine. */
export const AUTO_ORDER: readonly ProbeMode[] = ['sock', 'syscalls'];

/** What a mode needs, as missing when its attach failed for want of it. */
const NEEDS: Record<ProbeMode, string> = {
  sock: 'sock tracepoints',
  syscalls: 'syscall tracepoints',
};

/** A mode auto tried before the one that attached, and the attach error. */
export interface Skipped {
  mode: ProbeMode;
  error: string;
}

/** "6.1" of "6.1.0-57-cloud-amd64". */
const shortRelease = (rel: string): string => /^\d+\.\d+/.exec(rel)?.[0] ?? rel;

/** A missing hook (ENOENT) says "no X"; any other failure gives its error. */
const whySkipped = (s: Skipped): string => (/no such file|not found/i.test(s.error) ? `no ${NEEDS[s.mode]}` : `${s.mode}: ${s.error}`);

export function probesReason(choice: ProbeChoice, picked: ProbeMode, skipped: readonly Skipped[], rel: string): string {
  if (choice !== 'auto') return 'forced by --probes';
  if (skipped.length === 0) return `cheapest: ${NEEDS[picked]} on ${shortRelease(rel)}`;
  return `${skipped.map(whySkipped).join(', ')} on ${shortRelease(rel)}`;
}
