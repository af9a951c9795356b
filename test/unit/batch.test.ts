// --batch text: the TUI's columns and formats, every column, plain text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBlock, batchHeader } from '../../src/cli/batch.js';
import { batchUi } from '../../src/cli/initial-ui.js';
import { parseOptions } from '../../src/cli/options.js';
import { UserError } from '../../src/data/user-error.js';
import { HOSTILE, makeHostileModel, makeModel } from '../fixtures/synthetic.js';

const ui = (...argv: string[]) => batchUi(parseOptions(['--batch', ...argv]));

test('a header line, the column titles of the TUI, then every process ranked, then a blank line', () => {
  const m = makeModel({ processes: 4 });
  const text = batchBlock(m, ui(), null);
  const lines = text.split('\n');
  assert.ok(text.endsWith('\n\n'));
  assert.equal(lines[0], batchHeader(m, false));
  assert.match(lines[0]!, /^msgtop \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}interval 1s {2}probes sock {2}msgs\/s 1\.5k {2}send 1\.0k {2}recv 500 .* {2}drops 0 {2}missed 0 {2}map-full 0 {2}lost 0 {2}host db-01 {2}kernel 6\.18\.0$/);
  assert.deepEqual(lines[1]!.trim().split(/\s+/), ['PID', 'USER', 'COMM', 'MSG/s▼', 'SEND/s', 'RECV/s', 'IN/s', 'OUT/s', 'ERR/s', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'msgsnd', 'HISTORY', 'CONTAINER', 'CMDLINE']);
  const rows = lines.slice(2, -2);
  assert.deepEqual(rows.map((l) => l.trim().split(/\s+/)[2]), ['dnsmasq', 'nginx', 'postgres', 'redis-server']);
  assert.deepEqual(rows[0]!.trim().split(/\s+/).slice(0, 9), ['1000', 'root', 'dnsmasq', '600', '400', '200', '9.8KiB', '78.1KiB', '0']);
  assert.ok(rows[3]!.endsWith(' /usr/sbin/redis-server --flag=3'), 'the command line whole, last');
});

test('--totals, --sort, --rows and every filter flag', () => {
  const m = makeModel({ processes: 6 });
  const totals = batchBlock(m, ui('--totals', '--sort', 'comm', '--comm', 'r'), 2).split('\n');
  assert.match(totals[0]!, / {2}msgs 189k {2}send 126k {2}recv 63\.0k {2}in 3\.0MiB {2}out 24\.0MiB {2}err 900 /, 'totals in the header too');
  assert.match(totals[1]!, /COMM▲ +MSGS +SEND +RECV/);
  assert.deepEqual(totals.slice(2, -2).map((l) => l.trim().split(/\s+/)[2]), ['chronyd', 'haproxy'], 'comm has an r, A-Z, two of them');
  assert.equal(totals.length, 2 + 2 + 2, 'two rows at most');
  const byPid = batchBlock(m, ui('--pid', '1002', '--pid', '1004'), null).split('\n').slice(2, -2);
  assert.deepEqual(byPid.map((l) => l.trim().split(/\s+/)[0]), ['1002', '1004']);
  const host = batchBlock(m, ui('--container', 'host'), null).split('\n').slice(2, -2);
  assert.deepEqual(host.map((l) => l.trim().split(/\s+/)[0]), ['1000', '1003']);
  const fuzzy = batchBlock(m, ui('--filter', 'postgr'), null).split('\n').slice(2, -2);
  assert.deepEqual(fuzzy.map((l) => l.trim().split(/\s+/)[2]), ['postgres']);
  const none = batchBlock(m, ui('--comm', 'nothing'), null).split('\n');
  assert.equal(none[2], '(no process matches the filters)');
  assert.match(batchBlock(m, ui('--sort', 'SEND/s'), 1).split('\n')[1]!, /SEND\/s▼/, 'a title works as well as an id');
});

test('no escape code ever: hostile names come out escaped', () => {
  const m = { ...makeHostileModel(), host: HOSTILE.title, kernel: HOSTILE.clear };
  const text = batchBlock(m, ui(), null);
  // eslint-disable-next-line no-control-regex
  assert.equal(text.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/), null);
  assert.ok(text.includes('\\x1b]0;pwned\\x07'));
});

test('flags: --batch with --json is a usage error, and so are flags a mode cannot use', () => {
  const usage = (argv: string[], re: RegExp) =>
    assert.throws(() => parseOptions(argv), (e: Error) => e instanceof UserError && e.exitCode === 2 && re.test(e.message), argv.join(' '));
  usage(['--batch', '--json'], /--batch and --json are two output formats: choose one/);
  usage(['--batch', '--prometheus', '9464'], /separate modes/);
  usage(['--rows', '5'], /--rows applies to --batch/);
  usage(['--sort', 'bogus'], /--sort takes one of pid, user, comm, msgs/);
  usage(['--replay', 'x', '--record', 'y'], /use one of them/);
  usage(['--replay', 'x', '--probes', 'sock'], /--probes applies to the live kernel, not to --replay/);
  usage(['--replay', 'x', '--interval', '2'], /--interval applies to the live kernel/);
  usage(['--replay', 'x', '--prometheus', '9464'], /serves the live kernel/);
  usage(['--record', ''], /--record takes a file name/);
  const o = parseOptions(['--replay', 'r.jsonl', '--json', '--pid', '4', '--sort', 'recv', '--totals']);
  assert.deepEqual([o.replay, o.json, o.pids, o.sortBy, o.totals, o.probes], ['r.jsonl', true, [4], 'recv', true, 'auto']);
});
