// --prometheus [ADDR:]PORT → where the exporter listens. Loopback unless an
// address is given: the metrics name every process that talks on the
// machine, which is not for anyone who can reach the port.
import { isIP } from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_HOST = '127.0.0.1';

/** "9464", "0.0.0.0:9464", "[::1]:9464"; null when the text is none of these. */
export function parseListen(spec: string): ListenAddress | null {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(spec);
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  let host = m[1] ?? DEFAULT_HOST;
  if (host.startsWith('[')) {
    host = host.slice(1, -1);
    if (isIP(host) !== 6) return null;
  }
  return { host, port };
}

/** "127.0.0.1:9464", "[::1]:9464". */
export function formatListen(a: ListenAddress): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
