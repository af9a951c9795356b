// --json applies the same process filter as the live table.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { findProcess, Msgtop, runGen, settle } from './harness.js';

it('--json --container host keeps processes outside containers, with their counts', async () => {
  const m = new Msgtop(['--probes', 'sock', '--ipc', 'off', '--interval', '0.2', '--container', 'host']);
  try {
    await m.next();
    const [gen] = runGen(['--transport', 'unix', '--sendmsg', '300']);
    const line = await settle(m);
    assert.equal(findProcess(line, gen!.pid).syscalls.sendmsg!.calls, 300);
    const inContainers = line.processes.filter((p) => p.container !== null);
    assert.deepEqual(inContainers, []);
  } finally {
    assert.equal(await m.stop(), 0);
  }
});
