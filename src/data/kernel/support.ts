// Whether this kernel can run msgtop at all, checked before loading: a
// verifier error about an unknown helper would not tell the user why.
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { UserError } from '../user-error.js';

/** bpf_loop (both modes) arrived in 5.17; README "Kernels" lists the rest. */
export const MIN_KERNEL: readonly [number, number] = [5, 17];

export function checkKernel(rel = release(), btfPath = '/sys/kernel/btf/vmlinux'): void {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (major < MIN_KERNEL[0] || (major === MIN_KERNEL[0] && minor < MIN_KERNEL[1])) {
    throw new UserError(`this kernel (${rel}) is older than Linux ${MIN_KERNEL.join('.')}, the oldest msgtop runs on`);
  }
  if (!existsSync(btfPath)) {
    throw new UserError(`this kernel has no BTF (${btfPath}): msgtop needs one built with CONFIG_DEBUG_INFO_BTF`);
  }
}
