// Which probe modes to try, cheapest first, and the one-line reason the
// header and --json give for the mode that attached.
import type { ProbeMode } from '../model/model.js';
import { UserError } from '../user-error.js';

export type ProbeChoice = 'auto' | ProbeMode;

/** Cheapest first: socket-layer tracepoints tax nothing else; fexit taxes
 * only the callers of the counted syscalls; syscall tracepoints tax every
 * syscall on the machine. */
export const AUTO_ORDER: readonly ProbeMode[] = ['sock', 'fexit', 'syscalls'];

/** What a mode needs, as missing when it could not be used. */
const NEEDS: Record<ProbeMode, string> = {
  sock: 'sock tracepoints',
  fexit: 'BPF trampolines',
  syscalls: 'syscall tracepoints',
};

/** A mode auto tried before the one that attached, and why it failed. */
export interface Skipped {
  mode: ProbeMode;
  error: string;
}

/** "6.1" of "6.1.0-57-cloud-amd64". */
const shortRelease = (rel: string): string => /^\d+\.\d+/.exec(rel)?.[0] ?? rel;

/** fexit is skipped only when the trampoline check failed; a missing
 * tracepoint (ENOENT) says "no X"; any other failure gives its error. */
const whySkipped = (s: Skipped): string =>
  s.mode === 'fexit' || /no such file|not found/i.test(s.error) ? `no ${NEEDS[s.mode]}` : `${s.mode}: ${s.error}`;

export function probesReason(choice: ProbeChoice, picked: ProbeMode, skipped: readonly Skipped[], rel: string): string {
  if (choice !== 'auto') return 'forced by --probes';
  if (skipped.length === 0) return `cheapest: ${NEEDS[picked]} on ${shortRelease(rel)}`;
  return `${skipped.map(whySkipped).join(', ')} on ${shortRelease(rel)}`;
}

/**
 * Picks the probe mode. `noTrampolines` is "" where fexit programs load and
 * attach, else why not; fexit is tried only where they do, and then also
 * carries msgsnd/msgrcv (but for forced syscalls mode). `attach` loads and
 * attaches a mode and returns null, or the error of a failed attach (a
 * failed load throws: it would fail the same way in every mode).
 */
export function chooseProbes(
  choice: ProbeChoice,
  noTrampolines: string,
  attach: (mode: ProbeMode, ipcFexit: boolean) => string | null,
  rel: string,
): { mode: ProbeMode; reason: string } {
  if (choice === 'fexit' && noTrampolines) {
    throw new UserError(`--probes fexit needs BPF trampolines (fentry/fexit), which this kernel does not provide (${noTrampolines})`);
  }
  const skipped: Skipped[] = [];
  for (const mode of choice === 'auto' ? AUTO_ORDER : [choice]) {
    if (mode === 'fexit' && noTrampolines) {
      skipped.push({ mode, error: noTrampolines });
      continue;
    }
    const error = attach(mode, !noTrampolines && mode !== 'syscalls');
    if (error === null) return { mode, reason: probesReason(choice, mode, skipped, rel) };
    skipped.push({ mode, error });
  }
  throw new UserError(skipped.at(-1)?.error ?? 'cannot attach');
}
