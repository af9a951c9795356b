// struct mt_peer → the strings a PeerRow or EventRow shows.
import ipaddr from 'ipaddr.js';
import { MT_FAM_SYSVMSG, type RawPeer } from '../kernel/records.js';
import { escapeControl } from '../model/sanitize.js';

export interface PeerText {
  family: string;
  protocol: string;
  local: string;
  remote: string;
}

// <linux/socket.h> AF_* values.
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const FAMILIES: Record<number, string> = {
  [AF_UNIX]: 'unix',
  [AF_INET]: 'inet',
  [AF_INET6]: 'inet6',
  [AF_NETLINK]: 'netlink',
  17: 'packet',
  40: 'vsock',
  44: 'xdp',
  [MT_FAM_SYSVMSG]: 'sysv-msg',
};

// enum sock_type
const TYPES: Record<number, string> = { 1: 'stream', 2: 'dgram', 3: 'raw', 4: 'rdm', 5: 'seqpacket', 6: 'dccp', 10: 'packet' };

// IPPROTO_* as the kernel stores them in sk_protocol.
const IP_PROTOCOLS: Record<number, string> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  58: 'icmpv6',
  132: 'sctp',
  136: 'udplite',
  255: 'raw',
  262: 'mptcp',
};

// NETLINK_* from <linux/netlink.h>.
const NETLINK: Record<number, string> = {
  0: 'route',
  2: 'usersock',
  3: 'firewall',
  4: 'sock_diag',
  5: 'nflog',
  6: 'xfrm',
  7: 'selinux',
  8: 'iscsi',
  9: 'audit',
  10: 'fib_lookup',
  11: 'connector',
  12: 'netfilter',
  13: 'ip6_fw',
  14: 'dnrtmsg',
  15: 'kobject_uevent',
  16: 'generic',
  18: 'scsitransport',
  19: 'ecryptfs',
  20: 'rdma',
  21: 'crypto',
  22: 'smc',
};

const EMPTY: PeerText = { family: '', protocol: '', local: '', remote: '' };

function ip(bytes: Buffer, v6: boolean): string {
  const arr = [...bytes.subarray(0, v6 ? 16 : 4)];
  const a = ipaddr.fromByteArray(arr);
  if (a.kind() === 'ipv4') return a.toString();
  const a6 = a as ipaddr.IPv6;
  // Dual-stack sockets talking IPv4: show the familiar dotted form.
  return a6.isIPv4MappedAddress() ? `::ffff:${a6.toIPv4Address().toString()}` : a6.toRFC5952String();
}

function isZero(b: Buffer, len: number): boolean {
  for (let i = 0; i < len; i++) if (b[i] !== 0) return false;
  return true;
}

function endpoint(addr: Buffer, port: number, v6: boolean): string {
  const a = ip(addr, v6);
  return v6 ? `[${a}]:${port}` : `${a}:${port}`;
}

/** sun_path bytes: "@name" for abstract (leading NUL), "" for unnamed. */
export function unixPath(path: Buffer): string {
  if (path.length === 0) return '';
  if (path[0] === 0) return escapeControl(`@${path.subarray(1).toString('utf8')}`);
  const nul = path.indexOf(0);
  return escapeControl((nul < 0 ? path : path.subarray(0, nul)).toString('utf8'));
}

function typeName(t: number): string {
  return TYPES[t] ?? `type${t}`;
}

export function formatPeer(p: RawPeer): PeerText {
  if (p.family === 0) return EMPTY;
  const family = FAMILIES[p.family] ?? '?';
  switch (p.family) {
    case AF_INET:
    case AF_INET6: {
      const v6 = p.family === AF_INET6;
      const n = v6 ? 16 : 4;
      // An unconnected socket has no remote: all-zero address and port.
      const remote = p.rport === 0 && isZero(p.raddr, n) ? '' : endpoint(p.raddr, p.rport, v6);
      return {
        family,
        protocol: IP_PROTOCOLS[p.protocol] ?? typeName(p.type),
        local: endpoint(p.laddr, p.lport, v6),
        remote,
      };
    }
    case AF_UNIX:
      // The kernel gives one path: the peer's when it has one, else our own.
      return { family, protocol: typeName(p.type), local: unixPath(p.path), remote: '' };
    case AF_NETLINK: {
      const protocol = NETLINK[p.protocol] ?? `proto${p.protocol}`;
      return { family, protocol, local: `netlink:${protocol}`, remote: p.id ? `portid ${p.id}` : '' };
    }
    case MT_FAM_SYSVMSG:
      return { family, protocol: 'msg', local: `msqid ${p.id}`, remote: '' };
    default:
      return { family, protocol: typeName(p.type), local: `family ${p.family}`, remote: '' };
  }
}
