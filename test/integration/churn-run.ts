// msggen --churn from a test: short-lived processes under a few names,
// with what each name did in all.
import { spawn } from 'node:child_process';
import { msggen } from './harness.js';
import type { Counts } from './totals.js';

export interface ChurnResult {
  churn: { children: number; failed: number };
  comms: Record<string, { children: number; ops: Record<string, Counts> }>;
}

/** `children` processes named in turn after `names`, each doing `args`;
 * without blocking this process's event loop (a msgtop's lines must keep
 * flowing, or its stdout would stall it). */
export function churn(children: number, names: readonly string[], args: string[]): Promise<ChurnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(msggen, ['--churn', String(children), '--churn-names', names.join(','), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ChurnResult) : reject(new Error(`msggen --churn failed (${code}): ${err}`))));
  });
}
