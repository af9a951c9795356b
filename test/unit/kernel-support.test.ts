// The kernel check before loading: below the minimum or without BTF, one
// sentence (a UserError), else nothing.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { checkKernel } from '../../src/data/kernel/support.js';
import { UserError } from '../../src/data/user-error.js';

const BTF = '/proc/self/status'; // any file that exists stands in for vmlinux BTF

it('5.15 is below the minimum: one sentence naming both versions', () => {
  assert.throws(() => checkKernel('5.15.0-91-generic', BTF), (e: unknown) =>
    e instanceof UserError && e.exitCode === 1 && e.message === 'this kernel (5.15.0-91-generic) is older than Linux 5.17, the oldest msgtop runs on');
});

it('4.19 and 5.4 are below it too; 5.17, 6.1 and 6.12 are not', () => {
  assert.throws(() => checkKernel('4.19.0-27-amd64', BTF), UserError);
  assert.throws(() => checkKernel('5.4.0', BTF), UserError);
  for (const rel of ['5.17.0', '6.1.0-57-cloud-amd64', '6.12.117+deb12-rt-amd64', '10.0.0']) checkKernel(rel, BTF);
});

it('no BTF: one sentence saying so', () => {
  assert.throws(() => checkKernel('6.1.0', '/nonexistent/vmlinux'), (e: unknown) =>
    e instanceof UserError && /has no BTF \(\/nonexistent\/vmlinux\)/.test(e.message));
});
