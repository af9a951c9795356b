// The drill-down from the real kernel: open (watch) the generator's process
// and check threads, peers, message sizes and events against what it did.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LiveSource } from '../../src/data/kernel/live.js';
import type { Model } from '../../src/data/model/model.js';
import { parseStat } from '../../src/data/proc/registry.js';
import { Sampler } from '../../src/data/sample/sampler.js';
import { probeModes, progsLeft, startGen } from './harness.js';

const SIZE = 300; // log2 bucket 9: [256, 512)

for (const mode of probeModes) {
  describe(`drill-down detail, --probes=${mode}`, () => {
    it('threads, peers, sizes and events of the opened process', async () => {
      const source = new LiveSource({ probes: mode, ipc: 'always' });
      const sampler = new Sampler(source, { lingerMs: Infinity });
      const gen = startGen([
        '--transport', 'udp', '--threads', '2', '--size', String(SIZE),
        '--sendmsg', '50', '--eagain', '2', '--msgsnd', '3',
      ]);
      try {
        const pid = Number((await gen.next()).split(' ')[1]); // "ready PID"
        assert.ok(pid > 0);
        const ticks = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))!.startTicks;
        sampler.sample();
        sampler.watch(`${pid}:${ticks}`);
        gen.child.stdin!.write('\n');
        const result = await gen.next(); // all ops done, process held alive
        // Events travel through the ring buffer and the libuv loop: give
        // the last ones a moment to arrive before reading the log.
        await new Promise((r) => setTimeout(r, 200));
        sampler.sample();
        const m: Model = sampler.sample();
        const d = m.detail!;
        assert.equal(d.key, `${pid}:${ticks}`);

        const workers = d.threads.filter((t) => t.name.startsWith('msggen-w')).sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(workers.map((t) => t.name), ['msggen-w0', 'msggen-w1']);
        for (const t of workers) {
          assert.deepEqual(t.syscalls.sendmsg!.total, { calls: 50, messages: 50, bytes: 50 * SIZE, errors: 0 });
          assert.deepEqual(t.syscalls.recvmsg!.total, { calls: 52, messages: 50, bytes: 50 * SIZE, errors: 2 });
          assert.deepEqual(t.syscalls.msgsnd!.total, { calls: 3, messages: 3, bytes: 3 * SIZE, errors: 0 });
        }

        const udp = d.peers.filter((p) => p.protocol === 'udp');
        const sendSide = udp.filter((p) => p.send.messages > 0);
        assert.equal(sendSide.length, 2, JSON.stringify(d.peers));
        for (const p of sendSide) {
          assert.match(p.local, /^127\.0\.0\.1:\d+$/);
          assert.match(p.remote, /^127\.0\.0\.1:\d+$/);
          assert.equal(p.send.messages, 50);
          assert.equal(p.send.bytes, 50 * SIZE);
        }
        assert.equal(udp.reduce((n, p) => n + p.recv.messages, 0), 100);
        const queues = d.peers.filter((p) => p.family === 'sysv-msg');
        assert.equal(queues.length, 2, JSON.stringify(d.peers));
        for (const q of queues) {
          assert.match(q.local, /^msqid \d+$/);
          assert.equal(q.send.messages, 3);
          assert.equal(q.recv.messages, 3);
        }

        // 100 sendmsg + 6 msgsnd of SIZE bytes each way; in sock mode also
        // the result line's write(2) to our stdout socket, and its read of "\n".
        const bucket = (n: number): number => (n === 0 ? 0 : Math.floor(Math.log2(n)) + 1);
        const send = new Array<number>(32).fill(0);
        const recv = new Array<number>(32).fill(0);
        send[bucket(SIZE)]! += 106;
        recv[bucket(SIZE)]! += 106;
        if (mode === 'sock') {
          send[bucket(Buffer.byteLength(result) + 1)]! += 1;
          recv[bucket(1)]! += 1;
        }
        assert.deepEqual(d.sizes, { send, recv });

        const eagain = d.events.filter((e) => e.errno === 'EAGAIN');
        assert.equal(eagain.length, 4);
        for (const e of eagain) {
          assert.equal(e.syscall, 'recvmsg');
          assert.equal(e.pid, pid);
          assert.match(e.flagsText, /MSG_DONTWAIT/);
          assert.equal(e.protocol, 'udp');
        }
        assert.equal(d.events.filter((e) => e.syscall === 'sendmsg' && e.ret === SIZE).length, 100);
      } finally {
        gen.child.stdin!.end();
        await new Promise((r) => gen.child.on('exit', r));
        source.close();
      }
      assert.deepEqual(await progsLeft(), []);
    });
  });
}
