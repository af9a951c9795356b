// A recording is untrusted input: `msgtop --replay` on a bad one says what
// is wrong in one sentence naming the file and the line, and exits 1; a
// recording cut off at the end replays up to its last complete interval and
// says so. The real program, without privileges of any kind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Recorder } from '../../src/record/recorder.js';
import { makeModel } from '../fixtures/synthetic.js';

const cli = process.env['MSGTOP_CLI'] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'msgtop.mjs');

let dir: string;
let good: string[];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-badfiles-'));
  const path = join(dir, 'good.jsonl');
  const rec = new Recorder({ path, version: 't', intervalMs: 1000, ipc: 'auto' });
  for (let i = 0; i < 3; i++) rec.write({ ...makeModel({ processes: 3 }), ts: 1_800_000_000_000 + i * 1000 });
  rec.close();
  good = readFileSync(path, 'utf8').trimEnd().split('\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function replay(name: string, content: string | Buffer | null, args = ['--json']) {
  const path = join(dir, name);
  if (content !== null) writeFileSync(path, content);
  const r = spawnSync(process.execPath, [cli, '--replay', path, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { path, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 1 and exactly one line: "msgtop: " and what `re` says, no stack trace. */
function refused(r: ReturnType<typeof replay>, re: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one sentence, got:\n${r.stderr}`);
  assert.ok(lines[0]!.startsWith(`msgtop: `), lines[0]);
  assert.match(lines[0]!, re);
  assert.equal(r.stdout, '');
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const line = (o: object) => JSON.stringify(o);

describe('bad recordings: one sentence naming the file and line, exit 1', () => {
  it('a missing file', () => {
    const r = replay('missing.jsonl', null);
    refused(r, new RegExp(`^msgtop: cannot open ${esc(r.path)}: no such file$`));
  });

  it('an empty file, plain or gzip', () => {
    const r = replay('empty.jsonl', '');
    refused(r, new RegExp(`^msgtop: ${esc(r.path)} is empty: no recording in it$`));
    const z = replay('empty.jsonl.gz', '');
    refused(z, /empty\.jsonl\.gz is empty: no recording in it$/);
  });

  it('only a header: no interval', () => {
    refused(replay('header-only.jsonl', good[0] + '\n'), /header-only\.jsonl line 2: the recording ends before its first interval$/);
  });

  it('a corrupt gzip', () => {
    refused(replay('notgzip.jsonl.gz', 'this is not gzip\n'), /notgzip\.jsonl\.gz line 1: corrupt gzip data \(incorrect header check\)$/);
    const z = gzipSync(good.join('\n') + '\n');
    z[z.length - 6] = z[z.length - 6]! ^ 0xff; // the CRC
    refused(replay('crc.jsonl.gz', z), /crc\.jsonl\.gz line \d+: corrupt gzip data \(incorrect data check\)$/);
  });

  it('a line that is not JSON', () => {
    refused(replay('notjson.jsonl', [good[0], good[1], '{"ts": 12, oops', good[2]].join('\n') + '\n'), /notjson\.jsonl line 3 is not JSON \(.+\)$/);
  });

  it('a file that is not a recording, a wrong format name, a newer version', () => {
    refused(replay('json-output.jsonl', good.slice(1).join('\n') + '\n'), /json-output\.jsonl line 1: this is not a msgtop recording \(its first line has no "format": "msgtop-recording"\)$/);
    const head = JSON.parse(good[0]!) as Record<string, unknown>;
    refused(replay('other.jsonl', [line({ ...head, format: 'othertop' }), ...good.slice(1)].join('\n')), /other\.jsonl line 1: format "othertop" is not a msgtop recording \("msgtop-recording"\)$/);
    refused(
      replay('newer.jsonl', [line({ ...head, version: 2 }), ...good.slice(1)].join('\n')),
      /newer\.jsonl line 1: recording format version 2 is newer than this msgtop reads \(1\): replay it with a newer msgtop$/,
    );
  });

  it('numbers out of range, and fields of the wrong kind', () => {
    const at = (f: (o: Record<string, any>) => void) => {
      const o = JSON.parse(good[2]!) as Record<string, any>;
      f(o);
      return [good[0], good[1], line(o), good[3]].join('\n') + '\n';
    };
    refused(replay('neg.jsonl', at((o) => (o['processes'][1]['syscalls']['sendmsg']['bytes'] = -5))), /neg\.jsonl line 3: "processes\[1\]\.syscalls\.sendmsg\.bytes" is out of range \(-5; a whole number from 0 to 9007199254740991\)$/);
    refused(replay('huge.jsonl', at((o) => (o['processes'][0]['pid'] = 1e12))), /huge\.jsonl line 3: "processes\[0\]\.pid" is out of range \(1000000000000; a whole number from 0 to 4194304\)$/);
    refused(replay('inf.jsonl', at((o) => (o['drops'] = { ...o['drops'], ringbuf: '1e999' })).replace('"1e999"', '1e999')), /inf\.jsonl line 3: "drops\.ringbuf" is out of range \(Infinity;/);
    refused(replay('frac.jsonl', at((o) => (o['interval_ms'] = 0.5))), /frac\.jsonl line 3: "interval_ms" is out of range \(0\.5; a whole number/);
    refused(replay('type.jsonl', at((o) => (o['processes'][0]['comm'] = 7))), /type\.jsonl line 3: "processes\[0\]\.comm" is 7, not text$/);
    refused(replay('sys.jsonl', at((o) => (o['processes'][0]['syscalls']['execve'] = { calls: 1, messages: 1, bytes: 1, errors: 0 }))), /sys\.jsonl line 3: "processes\[0\]\.syscalls\.execve" names no syscall msgtop counts \("execve"\)$/);
    refused(replay('twice.jsonl', at((o) => o['processes'].push(o['processes'][0]))), /twice\.jsonl line 3: "processes\[3\]" repeats a process listed before it \(pid 1000, start_ticks 5000\)$/);
  });

  it('a hostile line never reaches the terminal raw in the error either', () => {
    const r = replay('esc.jsonl', [good[0], good[1], '\u001b]0;pwned\u0007'].join('\n') + '\n');
    refused(r, /esc\.jsonl line 3 is not JSON/);
    assert.ok(!r.stderr.includes('\u001b'));
  });
});

describe('a recording cut off at the end (msgtop killed while writing) replays up to its last complete interval', () => {
  it('plain: the cut line is named, the intervals before it replay, exit 0', () => {
    const text = good.join('\n') + '\n' + good[3]!.slice(0, 40);
    const r = replay('cut.jsonl', text);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^msgtop: \S+cut\.jsonl line 5 is cut off \(msgtop stopped while writing it\): replaying the 3 complete intervals before it\n$/);
    assert.equal(r.stdout.trimEnd().split('\n').length, 3);
  });

  it('gzip: a member cut short is the same', () => {
    const members = Buffer.concat([gzipSync(good.slice(0, 3).join('\n') + '\n'), gzipSync(good[3] + '\n').subarray(0, 30)]);
    const r = replay('cut.jsonl.gz', members);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /cut\.jsonl\.gz (line 4 is cut off|ends in the middle of line 4) \(msgtop stopped while writing it\): replaying the 2 complete intervals before it\n$/);
    assert.equal(r.stdout.trimEnd().split('\n').length, 2);
  });

  it('a last line without its newline but complete is a complete interval', () => {
    const r = replay('nonl.jsonl', good.join('\n'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.trimEnd().split('\n').length, 3);
  });
});
