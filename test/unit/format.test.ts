// errno names, flag words and peer strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errnoName } from '../../src/data/sample/errno.js';
import { flagsText } from '../../src/data/sample/flags.js';
import { formatPeer, unixPath } from '../../src/data/sample/peer.js';
import { decodePeer, MT_FAM_SYSVMSG } from '../../src/data/kernel/records.js';
import { peer, type PeerSpec } from './build.js';

const fmt = (p: PeerSpec) => formatPeer(decodePeer(peer(p), 0));

test('errnoName: Node table, Linux spellings, kernel-internal codes', () => {
  assert.equal(errnoName(11), 'EAGAIN');
  assert.equal(errnoName(-11), 'EAGAIN');
  assert.equal(errnoName(32), 'EPIPE');
  assert.equal(errnoName(95), 'EOPNOTSUPP');
  assert.equal(errnoName(108), 'ESHUTDOWN');
  assert.equal(errnoName(512), 'ERESTARTSYS');
  assert.equal(errnoName(513), 'ERESTARTNOINTR');
  assert.equal(errnoName(514), 'ERESTARTNOHAND');
  assert.equal(errnoName(516), 'ERESTART_RESTARTBLOCK');
  assert.equal(errnoName(4000), 'errno 4000');
});

test('flagsText: MSG_* for sockets, IPC flags for SysV queues, unknown bits in hex', () => {
  assert.equal(flagsText('sendmsg', 0), '');
  assert.equal(flagsText('sendmsg', 0x40 | 0x4000), 'MSG_DONTWAIT|MSG_NOSIGNAL');
  assert.equal(flagsText('recvmmsg', 0x10000), 'MSG_WAITFORONE');
  assert.equal(flagsText('sendmmsg', 0x40000 | 0x80000000), 'MSG_BATCH|MSG_CMSG_COMPAT');
  assert.equal(flagsText('recvmsg', 0x2 | 0x10000000), 'MSG_PEEK|0x10000000');
  assert.equal(flagsText('msgsnd', 0o4000), 'IPC_NOWAIT');
  assert.equal(flagsText('msgrcv', 0o4000 | 0o10000 | 0o20000 | 0o40000), 'IPC_NOWAIT|MSG_NOERROR|MSG_EXCEPT|MSG_COPY');
  assert.equal(flagsText('msgrcv', 0x40), '0x40');
});

test('inet and inet6 peers', () => {
  assert.deepEqual(fmt({ family: 2, protocol: 17, type: 2, lport: 53, rport: 41000, laddr: [127, 0, 0, 1], raddr: [1, 2, 3, 4] }), {
    family: 'inet',
    protocol: 'udp',
    local: '127.0.0.1:53',
    remote: '1.2.3.4:41000',
  });
  // Unconnected: no remote.
  assert.equal(fmt({ family: 2, protocol: 17, lport: 53 }).remote, '');
  const lo6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  const db8 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a];
  assert.deepEqual(fmt({ family: 10, protocol: 6, type: 1, lport: 53, rport: 443, laddr: lo6, raddr: db8 }), {
    family: 'inet6',
    protocol: 'tcp',
    local: '[::1]:53',
    remote: '[2001:db8::a]:443',
  });
  const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1];
  assert.equal(fmt({ family: 10, protocol: 17, lport: 1, laddr: mapped }).local, '[::ffff:10.0.0.1]:1');
  assert.equal(fmt({ family: 2, protocol: 262, type: 1 }).protocol, 'mptcp');
});

test('unix peers: path, abstract @name, unnamed, control bytes escaped', () => {
  assert.deepEqual(fmt({ family: 1, type: 2, path: Buffer.from('/run/x.sock\0') }), {
    family: 'unix',
    protocol: 'dgram',
    local: '/run/x.sock',
    remote: '',
  });
  assert.equal(fmt({ family: 1, type: 5, path: Buffer.from('\0/tmp/.X11-unix/X0') }).local, '@/tmp/.X11-unix/X0');
  assert.equal(fmt({ family: 1, type: 5 }).protocol, 'seqpacket');
  assert.equal(fmt({ family: 1, type: 1 }).local, '');
  assert.equal(unixPath(Buffer.from('\0a\0b')), '@a\\x00b');
  assert.equal(unixPath(Buffer.from('/tmp/\x1b[2J')), '/tmp/\\x1b[2J');
});

test('netlink, SysV queue, unknown and empty peers', () => {
  assert.deepEqual(fmt({ family: 16, protocol: 0, type: 3 }), { family: 'netlink', protocol: 'route', local: 'netlink:route', remote: '' });
  assert.equal(fmt({ family: 16, protocol: 15 }).local, 'netlink:kobject_uevent');
  assert.equal(fmt({ family: 16, protocol: 16, id: 4242 }).remote, 'portid 4242');
  assert.deepEqual(fmt({ family: MT_FAM_SYSVMSG, id: 3 }), { family: 'sysv-msg', protocol: 'msg', local: 'msqid 3', remote: '' });
  assert.deepEqual(fmt({ family: 0 }), { family: '', protocol: '', local: '', remote: '' });
  assert.equal(fmt({ family: 99, type: 1 }).family, '?');
});
