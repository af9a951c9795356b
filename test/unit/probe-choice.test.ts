// The reason the header and --json give for the probe mode in use.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_ORDER, probesReason } from '../../src/data/kernel/probe-choice.js';

const NOENT = 'cannot attach to the sock:sock_send_length/sock_recv_length tracepoints: No such file or directory';

it('auto tries the cheapest mode first', () => {
  assert.deepEqual(AUTO_ORDER, ['sock', 'syscalls']);
});

it('auto on 6.1: the sock tracepoints are missing', () => {
  assert.equal(probesReason('auto', 'syscalls', [{ mode: 'sock', error: NOENT }], '6.1.0-57-cloud-amd64'), 'no sock tracepoints on 6.1');
});

it('auto where the cheapest mode attached', () => {
  assert.equal(probesReason('auto', 'sock', [], '6.18.44-fc-v669'), 'cheapest: sock tracepoints on 6.18');
});

it('a failure other than a missing hook is given as it is', () => {
  assert.equal(
    probesReason('auto', 'syscalls', [{ mode: 'sock', error: 'cannot attach: Operation not permitted' }], '6.12.117+deb12-rt-amd64'),
    'sock: cannot attach: Operation not permitted on 6.12',
  );
});

it('a forced mode says so', () => {
  assert.equal(probesReason('syscalls', 'syscalls', [], '6.18.0'), 'forced by --probes');
});
