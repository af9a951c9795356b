// Real kernel, real BPF: msgtop's counts for the workload generator's pid
// must equal the numbers the workload was told to make, in every probe
// mode this machine runs. These tests fail (never skip) without BPF.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Msgtop, findProcess, probeModes, runGen, settle, startGen, type Counts, type GenResult } from './harness.js';

const SIZE = 100;
const c = (calls: number, messages: number, bytes: number, errors: number): Counts => ({
  calls,
  messages,
  bytes,
  errors,
});

for (const mode of probeModes) {
  // Node gives a child's stdout as an AF_UNIX socket, so in sock mode the
  // generator's one result write(2) is socket traffic too, counted as such.
  const out = (g: GenResult): Record<string, Counts> => (mode === 'sock' ? { write: c(1, 1, g.outBytes, 0) } : {});

  describe(`exact counts, --probes=${mode}`, () => {
    let m: Msgtop;
    before(async () => {
      m = new Msgtop(['--probes', mode, '--ipc', 'always', '--interval', '0.2']);
      const first = await m.next();
      assert.equal(first.probes, mode);
      assert.equal(first.ipc.tracing, true);
    });
    after(async () => {
      assert.equal(await m.stop(), 0);
    });

    it('AF_UNIX datagrams: sendmsg, sendto, sendmmsg, EAGAIN, SysV queue', async () => {
      const [gen] = runGen([
        '--transport', 'unix', '--size', String(SIZE),
        '--sendmsg', '1000', '--sendto', '300', '--mmsg', '50', '--vlen', '8',
        '--eagain', '7', '--msgsnd', '40', '--enomsg', '2',
      ]);
      const p = findProcess(await settle(m), gen!.pid);
      assert.deepEqual(p.syscalls, {
        sendmsg: c(1000, 1000, 100_000, 0),
        recvmsg: c(1007, 1000, 100_000, 7),
        sendto: c(300, 300, 30_000, 0),
        recvfrom: c(300, 300, 30_000, 0),
        sendmmsg: c(50, 400, 40_000, 0),
        recvmmsg: c(50, 400, 40_000, 0),
        msgsnd: c(40, 40, 4_000, 0),
        msgrcv: c(42, 40, 4_000, 2),
        ...out(gen!),
      });
      assert.deepEqual(p.errnos, { recvmsg: { EAGAIN: 7 }, msgrcv: { ENOMSG: 2 } });
      assert.equal(p.exited, true);
    });

    it('UDP on loopback: EMSGSIZE counted as a failed sendmsg', async () => {
      const [gen] = runGen([
        '--transport', 'udp', '--size', '1200',
        '--sendmsg', '500', '--mmsg', '20', '--vlen', '16', '--emsgsize', '3', '--eagain', '2',
      ]);
      const p = findProcess(await settle(m), gen!.pid);
      assert.deepEqual(p.syscalls, {
        sendmsg: c(503, 500, 600_000, 3),
        recvmsg: c(502, 500, 600_000, 2),
        sendmmsg: c(20, 320, 384_000, 0),
        recvmmsg: c(20, 320, 384_000, 0),
        ...out(gen!),
      });
      assert.deepEqual(p.errnos, { sendmsg: { EMSGSIZE: 3 }, recvmsg: { EAGAIN: 2 } });
    });

    it('TCP on loopback', async () => {
      const [gen] = runGen(['--transport', 'tcp', '--size', '4096', '--sendmsg', '800', '--sendto', '200']);
      const p = findProcess(await settle(m), gen!.pid);
      assert.deepEqual(p.syscalls, {
        sendmsg: c(800, 800, 3_276_800, 0),
        recvmsg: c(800, 800, 3_276_800, 0),
        sendto: c(200, 200, 819_200, 0),
        recvfrom: c(200, 200, 819_200, 0),
        ...out(gen!),
      });
    });

    it('several threads and processes add up exactly', async () => {
      const gens = runGen(['--transport', 'unix', '--procs', '2', '--threads', '3', '--sendmsg', '500', '--mmsg', '10', '--vlen', '4']);
      assert.equal(gens.length, 2);
      const line = await settle(m);
      for (const g of gens) {
        const p = findProcess(line, g.pid);
        assert.deepEqual(p.syscalls, {
          sendmsg: c(1500, 1500, 150_000, 0),
          recvmsg: c(1500, 1500, 150_000, 0),
          sendmmsg: c(30, 120, 12_000, 0),
          recvmmsg: c(30, 120, 12_000, 0),
          ...out(g),
        });
      }
    });

    // Messages are first added up in per-CPU slots picked by pid modulo 32
    // and move to the map msgtop reads when another process takes the slot
    // or when msgtop folds them in before a read.
    it('processes sharing the per-CPU slots on one CPU add up exactly', async () => {
      const gens = runGen(['--transport', 'unix', '--procs', '48', '--sendmsg', '300', '--mmsg', '5', '--vlen', '4'], 0);
      assert.equal(gens.length, 48);
      const line = await settle(m);
      for (const g of gens) {
        assert.deepEqual(findProcess(line, g.pid).syscalls, {
          sendmsg: c(300, 300, 30_000, 0),
          recvmsg: c(300, 300, 30_000, 0),
          sendmmsg: c(5, 20, 2_000, 0),
          recvmmsg: c(5, 20, 2_000, 0),
          ...out(g),
        });
      }
    });

    it('a process that has stopped sending but still runs shows every message', async () => {
      const gen = startGen(['--transport', 'unix', '--size', String(SIZE), '--sendmsg', '700']);
      try {
        const pid = Number((await gen.next()).split(' ')[1]); // "ready PID"
        gen.child.stdin!.write('\n');
        await gen.next(); // result written; the process waits, silent
        const p = findProcess(await settle(m), pid);
        assert.equal(p.exited, false);
        assert.deepEqual(p.syscalls.sendmsg, c(700, 700, 70_000, 0));
        assert.deepEqual(p.syscalls.recvmsg, c(700, 700, 70_000, 0));
      } finally {
        gen.child.stdin!.end();
      }
    });

    // io_uring sends and receives reach the socket layer from io_uring_enter
    // (or an io worker): the socket probes show them as uring_send/recv; the
    // syscall tracepoints never see them.
    it(`io_uring send/recv ${mode === 'sock' ? 'are counted as such' : 'are not seen'}`, async () => {
      const [gen] = runGen(['--transport', 'udp', '--size', '200', '--uring', '300']);
      assert.deepEqual(gen!.ops.uring_send, c(300, 300, 60_000, 0));
      const line = await settle(m);
      if (mode === 'sock') {
        assert.deepEqual(findProcess(line, gen!.pid).syscalls, {
          uring_send: c(300, 300, 60_000, 0),
          uring_recv: c(300, 300, 60_000, 0),
          ...out(gen!),
        });
      } else {
        assert.equal(line.processes.find((p) => p.pid === gen!.pid), undefined);
      }
    });

    // The socket-layer hook fires only once a call reaches a socket: a
    // sendmsg on a bad fd is seen by the syscall tracepoints alone.
    it(`EBADF ${mode === 'sock' ? 'is not seen' : 'is counted'} in this mode`, async () => {
      const [gen] = runGen(['--transport', 'unix', '--sendmsg', '5', '--ebadf', '4']);
      const p = findProcess(await settle(m), gen!.pid);
      if (mode === 'sock') {
        assert.deepEqual(p.syscalls.sendmsg, c(5, 5, 500, 0));
        assert.deepEqual(p.errnos, {});
      } else {
        assert.deepEqual(p.syscalls.sendmsg, c(9, 5, 500, 4));
        assert.deepEqual(p.errnos, { sendmsg: { EBADF: 4 } });
      }
    });
  });
}
