// Which probe mode msgtop picks, in what order it tries them, and the reason
// the header and --json give.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_ORDER, chooseProbes, probesReason } from '../../src/data/kernel/probe-choice.js';
import type { ProbeMode } from '../../src/data/model/model.js';
import { UserError } from '../../src/data/user-error.js';

const NOENT = 'cannot attach to the sock:sock_send_length/sock_recv_length tracepoints: No such file or directory';
const NO_TRAMPOLINES = 'the kernel refuses fexit programs: Operation not permitted';

/** A kernel whose attach works for the modes in `works`; records each try. */
function kernel(works: ProbeMode[]) {
  const tried: string[] = [];
  const attach = (mode: ProbeMode, ipcFexit: boolean): string | null => {
    tried.push(`${mode}${ipcFexit ? '+ipc-fexit' : ''}`);
    return works.includes(mode) ? null : mode === 'sock' ? NOENT : `cannot attach ${mode}: Invalid argument`;
  };
  return { tried, attach };
}

it('auto tries the cheapest mode first: sock, fexit, syscalls', () => {
  assert.deepEqual(AUTO_ORDER, ['sock', 'fexit', 'syscalls']);
});

it('auto on 6.1 (trampolines, no sock tracepoints) picks fexit; msgsnd/msgrcv by fexit', () => {
  const k = kernel(['fexit', 'syscalls']);
  assert.deepEqual(chooseProbes('auto', '', k.attach, '6.1.0-57-cloud-amd64'), { mode: 'fexit', reason: 'no sock tracepoints on 6.1' });
  assert.deepEqual(k.tried, ['sock+ipc-fexit', 'fexit+ipc-fexit']);
});

it('auto on 6.12 picks sock, with msgsnd/msgrcv by fexit', () => {
  const k = kernel(['sock', 'fexit', 'syscalls']);
  assert.deepEqual(chooseProbes('auto', '', k.attach, '6.12.117+deb12-cloud-amd64'), { mode: 'sock', reason: 'cheapest: sock tracepoints on 6.12' });
  assert.deepEqual(k.tried, ['sock+ipc-fexit']);
});

it('auto without trampolines (this CI VM) never loads fexit programs', () => {
  const k = kernel(['sock', 'syscalls']);
  assert.deepEqual(chooseProbes('auto', NO_TRAMPOLINES, k.attach, '6.18.44-fc-v669'), { mode: 'sock', reason: 'cheapest: sock tracepoints on 6.18' });
  assert.deepEqual(k.tried, ['sock']);
  const old = kernel(['syscalls']);
  assert.deepEqual(chooseProbes('auto', NO_TRAMPOLINES, old.attach, '6.1.0'), { mode: 'syscalls', reason: 'no sock tracepoints, no BPF trampolines on 6.1' });
  assert.deepEqual(old.tried, ['sock', 'syscalls']);
});

it('forced fexit without trampolines: one sentence, nothing loaded', () => {
  const k = kernel(['sock', 'syscalls']);
  assert.throws(() => chooseProbes('fexit', NO_TRAMPOLINES, k.attach, '6.18.0'), (e: unknown) =>
    e instanceof UserError && e.exitCode === 1 &&
    e.message === '--probes fexit needs BPF trampolines (fentry/fexit), which this kernel does not provide (the kernel refuses fexit programs: Operation not permitted)');
  assert.deepEqual(k.tried, []);
});

it('forced modes: only that one is tried; syscalls keeps msgsnd/msgrcv on tracepoints', () => {
  const k = kernel(['sock', 'fexit', 'syscalls']);
  assert.deepEqual(chooseProbes('syscalls', '', k.attach, '6.12.0'), { mode: 'syscalls', reason: 'forced by --probes' });
  assert.deepEqual(chooseProbes('fexit', '', k.attach, '6.12.0'), { mode: 'fexit', reason: 'forced by --probes' });
  assert.deepEqual(k.tried, ['syscalls', 'fexit+ipc-fexit']);
  assert.throws(() => chooseProbes('sock', '', kernel([]).attach, '6.1.0'), (e: unknown) => e instanceof UserError && e.message === NOENT);
});

it('a failure other than a missing hook is given as it is', () => {
  assert.equal(
    probesReason('auto', 'syscalls', [{ mode: 'sock', error: 'cannot attach: Operation not permitted' }], '6.12.117+deb12-rt-amd64'),
    'sock: cannot attach: Operation not permitted on 6.12',
  );
});
