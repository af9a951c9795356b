import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterProcesses, HOST, matches, NO_FILTER } from '../../src/data/model/filter.js';
import { makeProcess } from '../fixtures/synthetic.js';

const host = makeProcess(0, 3, { container: null });
const ctr = makeProcess(1, 3, { container: '3f2a9c0d1e2b' });
const keys = (ps: readonly { key: string }[]) => ps.map((p) => p.key);

test('container "host" is every process outside a container, and only those', () => {
  const f = { ...NO_FILTER, container: HOST };
  assert.equal(matches(f, host), true);
  assert.equal(matches(f, ctr), false);
  assert.deepEqual(keys(filterProcesses(f, [host, ctr])), [host.key]);
});

test('a container id matches by prefix; a process outside containers never does', () => {
  assert.deepEqual(keys(filterProcesses({ ...NO_FILTER, container: '3f2a' }, [host, ctr])), [ctr.key]);
  assert.deepEqual(keys(filterProcesses({ ...NO_FILTER, container: '2a' }, [host, ctr])), []);
});

test('pids: any of them; comm: a substring; all fields together', () => {
  assert.deepEqual(keys(filterProcesses({ ...NO_FILTER, pids: [host.pid, 99] }, [host, ctr])), [host.key]);
  assert.deepEqual(keys(filterProcesses({ ...NO_FILTER, comm: 'ngi' }, [host, ctr])), [ctr.key]);
  assert.deepEqual(keys(filterProcesses({ pids: [ctr.pid], comm: 'nginx', container: HOST }, [host, ctr])), []);
});

test('no filter hands back the same array, without copying', () => {
  const ps = [host, ctr];
  assert.equal(filterProcesses(NO_FILTER, ps), ps);
});
