// --record and --replay without a kernel: the real Sampler over a fake
// source, each Model recorded as msgtop records it, then replayed. A
// replayed interval must be the live one: totals as recorded, and rates,
// history, folding, detail and events rebuilt from the recorded intervals.
import { after, before, describe, it, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { jsonLine, recordLine } from '../../src/cli/json.js';
import type { Detail, Model, ProcessRow } from '../../src/data/model/model.js';
import { EventLog } from '../../src/data/sample/eventlog.js';
import { Sampler } from '../../src/data/sample/sampler.js';
import { UserError } from '../../src/data/user-error.js';
import { FORMAT, VERSION } from '../../src/record/format.js';
import { Player } from '../../src/record/player.js';
import { openRecording } from '../../src/record/reader.js';
import { createRecordingFile, Recorder } from '../../src/record/recorder.js';
import { ReplayModels } from '../../src/record/replay.js';
import { makeModel } from '../fixtures/synthetic.js';
import { event, peerRec, sizeRec, threadRec, type PeerSpec } from './build.js';
import { fakeProc, NS } from './fakeproc.js';
import { FakeSource, RECVMSG, SENDMMSG, SENDMSG } from './fakesource.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'msgtop-record-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A session of the live sampler over a fake kernel, every interval recorded to `path`. */
function session(path: string): Model[] {
  const f = fakeProc();
  const src = new FakeSource();
  const own = { cpuUs: 0, hrNs: 0n, rssBytes: 50e6 };
  const s = new Sampler(src, {
    registry: f.reg,
    now: f.now,
    events: new EventLog({ offsetNs: 1_700_000_000_000_000_000n }),
    processClock: { cpuUs: () => own.cpuUs, hrNs: () => own.hrNs, rssBytes: () => own.rssBytes, loopStallMs: () => 0 },
    lingerMs: 2_000,
    rowHistoryLen: 10,
    keepDelivered: true,
  });
  const rec = new Recorder({ path, version: '9.9.9', intervalMs: 1000, ipc: 'auto' });
  const live: Model[] = [];
  const step = (sec: number) => {
    src.tick(sec);
    f.advance(sec * 1000);
    own.hrNs += BigInt(sec * 1e9);
    own.cpuUs += sec * 20_000;
    const m = s.sample();
    rec.write(m);
    live.push(m);
  };
  try {
    f.proc(10, { comm: 'srv', ticks: 50, cmdline: 'srv\0--port\x0053\0' });
    f.thread(10, 10, 'srv');
    f.thread(10, 11, 'worker');
    f.proc(30, { comm: 'evil\x1b[2J', ticks: 60, cmdline: '\x1b]0;pwned\x07' });
    // The baseline at attach: nothing counted yet (as live, where it is read
    // right after attaching). It measured no interval: not recorded.
    const baseline = s.sample();
    rec.write(baseline);
    src.set(30, RECVMSG, NS(60), { calls: 1, messages: 1, bytes: 1 });
    src.set(10, SENDMSG, NS(50), { calls: 12, messages: 12, bytes: 120 });
    src.set(10, RECVMSG, NS(50), { calls: 7, messages: 5, bytes: 50, errors: 2 });
    src.setErrno(10, RECVMSG, 11, NS(50), 2);
    step(1);
    // Opened in the table: detail and its events from now on.
    s.watch('10:50');
    const udp: PeerSpec = { family: 2, protocol: 17, lport: 53, rport: 999, laddr: [127, 0, 0, 1], raddr: [127, 0, 0, 2] };
    src.threads = [threadRec(10, 11, SENDMSG, { calls: 4, messages: 4, bytes: 40 }), threadRec(10, 10, RECVMSG, { calls: 1, messages: 1, bytes: 5 })];
    src.peers = [peerRec(10, 0, udp, 4, 40), peerRec(10, 1, udp, 1, 5)];
    src.sizes = [sizeRec(10, 0, 4, 4), sizeRec(10, 1, 3, 1)];
    src.emit(Buffer.concat([event({ tgid: 10, tid: 11, sys: SENDMSG, ret: 10, tsNs: 5n }), event({ tgid: 30, sys: RECVMSG, ret: -11, tsNs: 6n, comm: '\x1b[31m' })]));
    src.set(10, SENDMSG, NS(50), { calls: 16, messages: 16, bytes: 160 });
    step(1);
    src.threads = [threadRec(10, 11, SENDMSG, { calls: 10, messages: 10, bytes: 100 }), threadRec(10, 10, RECVMSG, { calls: 3, messages: 3, bytes: 15 })];
    src.peers = [peerRec(10, 0, udp, 10, 100), peerRec(10, 1, udp, 3, 15)];
    src.set(10, SENDMSG, NS(50), { calls: 22, messages: 22, bytes: 220 });
    src.set(10, SENDMMSG, NS(50), { calls: 2, messages: 16, bytes: 1600 });
    src.emit(event({ tgid: 10, tid: 10, sys: RECVMSG, ret: 5, tsNs: 7n }));
    step(2);
    // Three short-lived crons: they linger, then fold into one row.
    for (const pid of [40, 41, 42]) {
      f.proc(pid, { comm: 'cron', ticks: pid });
      src.set(pid, SENDMSG, NS(pid), { calls: pid, messages: pid, bytes: pid * 10 });
    }
    step(1);
    for (const pid of [40, 41]) src.kernelExit(pid, NS(pid));
    src.set(42, SENDMSG, NS(42), { calls: 50, messages: 50, bytes: 500 });
    step(1);
    step(1);
    src.kernelExit(42, NS(42));
    step(2); // 40 and 41 fold; 42 lingers
    src.set(10, SENDMSG, NS(50), { calls: 30, messages: 30, bytes: 300 });
    step(1);
    step(3); // 42 folds into the same row: not a burst of traffic
    s.watch(null);
    step(1);
    step(1);
  } finally {
    rec.close();
    f.done();
  }
  return live;
}

/** A row without its history, errnos in one order. */
function norm(r: ProcessRow): object {
  const { history: _h, ...rest } = r;
  return { ...rest, errnos: [...r.errnos].sort((a, b) => a.syscall.localeCompare(b.syscall) || a.name.localeCompare(b.name)) };
}

/** The live history may hold one more value: the baseline sample at attach, which is not recorded. */
function sameHistory(replayed: readonly number[], live: readonly number[], what: string): void {
  assert.ok(live.length - replayed.length <= 1 && live.length >= replayed.length, `${what}: ${replayed} vs ${live}`);
  assert.deepEqual(replayed, live.slice(live.length - replayed.length), what);
}

function trim(a: readonly number[]): number[] {
  let n = a.length;
  while (n > 0 && !a[n - 1]) n--;
  return a.slice(0, n);
}

function sameDetail(r: Detail, l: Detail): void {
  assert.deepEqual(r.threads, l.threads);
  assert.deepEqual(r.peers, l.peers);
  assert.deepEqual([trim(r.sizes.send), trim(r.sizes.recv)], [trim(l.sizes.send), trim(l.sizes.recv)]);
  assert.deepEqual(r.events, l.events);
  sameHistory(r.history.messages, l.history.messages, 'detail history');
  sameHistory(r.history.bytes, l.history.bytes, 'detail bytes history');
}

for (const name of ['session.jsonl', 'session.jsonl.gz']) {
  describe(`a recorded session replays as it ran (${name})`, () => {
    let live: Model[];
    let models: ReplayModels;
    before(async () => {
      live = session(join(dir, name));
      models = new ReplayModels(await openRecording(join(dir, name)), { rowHistoryLen: 10 });
    });
    after(() => models.recording.close());

    it('one header, then one line per interval; the file is private', () => {
      const raw = readFileSync(join(dir, name));
      const text = name.endsWith('.gz') ? gunzipSync(raw).toString() : raw.toString();
      const lines = text.trimEnd().split('\n');
      assert.equal(lines.length, live.length + 1);
      const head = JSON.parse(lines[0]!) as Record<string, unknown>;
      assert.deepEqual([head['format'], head['version'], head['msgtop'], head['interval_ms'], head['ipc']], [FORMAT, VERSION, '9.9.9', 1000, 'auto']);
      assert.equal(head['start'], live[0]!.ts - live[0]!.uptimeMs);
      assert.match(String(head['note']), /only for a process opened/);
      assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600);
      assert.equal(models.count, live.length);
      assert.equal(models.recording.note, null);
    });

    it('every interval: totals as recorded, rates and history from the change between intervals', () => {
      for (let i = 0; i < live.length; i++) {
        const l = live[i]!;
        const r = models.model(i);
        const what = `interval ${i + 1}`;
        assert.deepEqual([r.ts, r.intervalMs, r.uptimeMs, r.probes, r.probesReason], [l.ts, l.intervalMs, l.uptimeMs, l.probes, l.probesReason], what);
        assert.deepEqual(r.health, l.health, what);
        assert.deepEqual(r.cost, l.cost, what);
        assert.deepEqual([r.send, r.recv], [l.send, l.recv], `${what}: sums over all rows`);
        const byKey = new Map(l.processes.map((p) => [p.key, p]));
        assert.deepEqual(r.processes.map((p) => p.key).sort(), [...byKey.keys()].sort(), what);
        for (const p of r.processes) {
          const lp = byKey.get(p.key)!;
          assert.deepEqual(norm(p), norm(lp), `${what}, ${p.key}`);
          sameHistory(p.history, lp.history, `${what}, ${p.key} history`);
        }
        assert.deepEqual(r.events, l.events, `${what}: global events`);
        assert.equal(jsonLine(r), jsonLine(l), `${what}: the --json line`);
      }
    });

    it('the opened process: threads, peers, sizes, its events and history, with rates', () => {
      let opened = 0;
      for (let i = 0; i < live.length; i++) {
        const l = live[i]!;
        if (!l.detail) continue;
        opened++;
        models.watch(l.detail.key);
        sameDetail(models.model(i).detail!, l.detail);
      }
      assert.ok(opened >= 5, 'the session opened srv for several intervals');
      models.watch(null);
    });

    it('a process not opened while recording: history and events, no threads/peers/sizes', () => {
      models.watch('30:60');
      const d = models.model(3).detail!;
      assert.equal(d.unrecorded, true);
      assert.deepEqual([d.threads, d.peers], [[], []]);
      assert.deepEqual(d.events.map((e) => [e.pid, e.errno, e.comm]), [[30, 'EAGAIN', '\\x1b[31m']]);
      assert.equal(d.history.messages.length, 4);
      models.watch(null);
    });

    it('a process folding into its row is not a burst: the fold row grows by what was added', () => {
      const fold = (m: Model) => m.processes.find((p) => p.key === 'exited:cron\0');
      const i = live.findIndex((m) => fold(m)?.folded === 3);
      assert.ok(i > 0);
      const r = fold(models.model(i))!;
      assert.equal(r.send.total.messages, 40 + 41 + 50);
      assert.equal(r.send.rate.messages, 0);
    });

    it('strings from processes come out escaped, as live', () => {
      const p = models.model(0).processes.find((x) => x.pid === 30)!;
      assert.equal(p.comm, 'evil\\x1b[2J');
      assert.equal(p.cmdline, '\\x1b]0;pwned\\x07');
    });
  });
}

test('recordLine: the --json line unchanged, then the fields a replay needs', () => {
  const m = makeModel({ processes: 3, detailFor: 1, events: 4 });
  m.delivered = { events: m.events.slice(2), skipped: 7 };
  const plain = JSON.parse(jsonLine(m)) as Record<string, unknown>;
  const rec = JSON.parse(recordLine(m)) as Record<string, unknown>;
  const keys = Object.keys(plain);
  assert.deepEqual(Object.keys(rec).slice(0, keys.length), keys, 'the --json keys first, in order');
  assert.deepEqual(Object.keys(rec).slice(keys.length), ['uptime_ms', 'detail', 'event_log', 'event_log_skipped']);
  for (const k of keys.filter((k) => k !== 'processes')) assert.deepEqual(rec[k], plain[k], k);
  const procs = rec['processes'] as Record<string, unknown>[];
  (plain['processes'] as Record<string, unknown>[]).forEach((p, i) => {
    const { uid, cgroup, exited_at, ...same } = procs[i]!;
    assert.deepEqual(same, p);
    assert.deepEqual([uid, cgroup, exited_at], [m.processes.find((x) => x.pid === p['pid'])!.uid, m.processes.find((x) => x.pid === p['pid'])!.cgroup, null]);
  });
  const detail = rec['detail'] as { key: string; threads: unknown[]; peers: unknown[]; sizes: { send: number[] } };
  assert.equal(detail.key, m.detail!.key);
  assert.deepEqual(detail.sizes.send, [0, 0, 0, 0, 0, 0, 0, 5, 80, 10, 0, 2], 'trailing empty buckets left out');
  assert.equal((rec['event_log'] as unknown[]).length, 2);
  assert.equal(rec['event_log_skipped'], 7);
});

test('a recording file is new and private: an existing file or a symlink is refused and left alone', () => {
  const old = process.umask(0);
  try {
    const fd = createRecordingFile(join(dir, 'new.jsonl'));
    assert.equal(statSync(join(dir, 'new.jsonl')).mode & 0o777, 0o600, 'mode 0600 even with umask 000');
    writeFileSync(fd, 'x');
  } finally {
    process.umask(old);
  }
  assert.throws(() => createRecordingFile(join(dir, 'new.jsonl')), (e: Error) => e instanceof UserError && /the file exists/.test(e.message));
  assert.equal(readFileSync(join(dir, 'new.jsonl'), 'utf8'), 'x', 'not truncated');
  const target = join(dir, 'shadow');
  writeFileSync(target, 'secret', { mode: 0o640 });
  symlinkSync(target, join(dir, 'link'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
  for (const link of ['link', 'dangling']) {
    assert.throws(() => createRecordingFile(join(dir, link)), (e: Error) => e instanceof UserError && /symbolic link, which msgtop never follows/.test(e.message));
  }
  assert.equal(readFileSync(target, 'utf8'), 'secret');
  assert.equal(statSync(target).mode & 0o777, 0o640);
  assert.throws(() => lstatSync(join(dir, 'nowhere')), /ENOENT/, 'nothing created through the dangling link');
  assert.throws(() => createRecordingFile(join(dir, 'no', 'such', 'dir')), /cannot create it: no such directory/);
});

test('the player: steps, jumps, ends, speeds; playing waits each recorded interval ÷ speed', async () => {
  const path = join(dir, 'player.jsonl');
  const rec = new Recorder({ path, version: 't', intervalMs: 1000, ipc: 'off' });
  for (let i = 0; i < 25; i++) rec.write({ ...makeModel({ processes: 2 }), ts: 1_800_000_000_000 + i * 1000, intervalMs: 1000 });
  rec.close();
  const player = new Player(new ReplayModels(await openRecording(path)));
  const shown: number[] = [];
  const timers = mock.timers;
  timers.enable({ apis: ['setTimeout'] });
  try {
    player.start((m) => shown.push(m.replay!.position));
    const at = () => player.current().replay!;
    assert.deepEqual([at().position, at().count, at().playing, at().speed], [1, 25, false, 1]);
    player.command('forward');
    player.command('forward-10');
    assert.equal(at().position, 12);
    player.command('back');
    player.command('back-10');
    assert.equal(at().position, 1);
    player.command('back');
    assert.equal(at().position, 1, 'stops at the first');
    player.command('last');
    assert.equal(at().position, 25);
    player.command('forward-10');
    assert.equal(at().position, 25, 'stops at the last');
    player.command('first');
    player.command('speed');
    assert.equal(at().speed, 4);
    player.command('play-pause');
    assert.equal(at().playing, true);
    timers.tick(249);
    assert.equal(at().position, 1, '1000 ms ÷ 4');
    timers.tick(1);
    assert.equal(at().position, 2);
    player.command('forward');
    assert.equal(at().playing, false, 'a single step pauses');
    player.command('speed');
    player.command('play-pause');
    for (let k = 0; k < 30; k++) timers.tick(63);
    assert.deepEqual([at().position, at().playing], [25, false], 'plays to the end, then stops');
    player.command('speed');
    assert.equal(at().speed, 1, '16× → 1×');
    player.command('play-pause');
    assert.deepEqual([at().position, at().playing], [1, true], 'play at the end starts over');
    player.close();
  } finally {
    timers.reset();
  }
  assert.deepEqual(shown.slice(0, 3), [2, 12, 11]);
});
