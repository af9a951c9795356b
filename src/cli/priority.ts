// On a saturated machine msgtop's table must still answer keys and draw:
// it raises its own scheduling priority (a lower nice value) when it may.
// It uses the same CPU either way, only gets it sooner.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Gives every thread of this process nice value `nice` (new threads inherit
 * it); false if the kernel refused (no CAP_SYS_NICE). */
export function setNice(nice: number): boolean {
  try {
    // A nice value is per thread on Linux: V8's and libuv's threads exist already.
    for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), nice);
    return true;
  } catch {
    return false;
  }
}
