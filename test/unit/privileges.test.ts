// Who msgtop becomes when started through sudo, and how that is shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capMask, capNames, capsAfterAttach, dropPlan, privilegesText, readPrivileges, sudoInvoker } from '../../src/data/privileges.js';

test('sudo: the invoking user, only when running as root for someone else', () => {
  const env = { SUDO_UID: '1000', SUDO_GID: '1001', SUDO_USER: 'alice-from-env' };
  const inv = sudoInvoker(env, 0);
  assert.equal(inv?.uid, 1000);
  assert.equal(inv?.gid, 1001);
  assert.ok(inv?.user, 'a name, from /etc/passwd or SUDO_USER');
  assert.equal(sudoInvoker(env, 1000), null, 'not root: nothing to drop');
  assert.equal(sudoInvoker({ ...env, SUDO_UID: '0' }, 0), null, 'root ran sudo');
  assert.equal(sudoInvoker({ SUDO_UID: '1000' }, 0), null, 'no SUDO_GID');
  assert.equal(sudoInvoker({ SUDO_UID: '10x', SUDO_GID: '5' }, 0), null);
  assert.equal(sudoInvoker({}, 0), null);
});

test('the drop keeps CAP_BPF, and CAP_PERFMON only when --ipc auto attaches later; --keep-root opts out', () => {
  const env = { SUDO_UID: '1000', SUDO_GID: '1000' };
  assert.deepEqual(capsAfterAttach('auto'), ['bpf', 'perfmon']);
  assert.deepEqual(capsAfterAttach('always'), ['bpf']);
  assert.deepEqual(capsAfterAttach('off'), ['bpf']);
  assert.deepEqual(dropPlan({ keepRoot: false, ipc: 'auto' }, env, 0)?.caps, ['bpf', 'perfmon']);
  assert.equal(dropPlan({ keepRoot: true, ipc: 'auto' }, env, 0), null);
  assert.equal(dropPlan({ keepRoot: false, ipc: 'auto' }, {}, 0), null);
});

test('capability masks and names', () => {
  assert.equal(capMask(['bpf', 'perfmon']), (1n << 39n) | (1n << 38n));
  assert.equal(capMask([]), 0n);
  assert.throws(() => capMask(['nope']));
  assert.deepEqual(capNames('000000c000000000'), ['perfmon', 'bpf']);
  assert.deepEqual(capNames('0000000000000004'), ['dac_read_search']);
  assert.deepEqual(capNames('0000000000000000'), []);
  assert.deepEqual(capNames('0000080000000000'), ['cap_43']);
});

test('read back from a status file; the header words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msgtop-priv-'));
  try {
    const status = join(dir, 'status');
    writeFileSync(status, 'Name:\tmsgtop\nUid:\t0\t1000\t1000\t1000\nGid:\t5\t1001\t1001\t1001\nCapEff:\t000000c000000000\n');
    const p = readPrivileges(true, status);
    assert.deepEqual([p.uid, p.gid, p.caps, p.dropped], [1000, 1001, ['perfmon', 'bpf'], true]);
    assert.equal(privilegesText({ ...p, user: 'alice' }), 'user alice +perfmon,bpf');
    assert.equal(privilegesText({ ...p, uid: 0, user: 'root', caps: ['bpf'] }), 'root');
    assert.equal(privilegesText({ ...p, user: 'bob', caps: [] }), 'bob, no capabilities');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
