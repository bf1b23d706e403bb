/**
 * The TCP connections this process holds open, as the OS sees them (Linux: the socket inodes of
 * /proc/self/fd matched against /proc/net/tcp and tcp6), so a test can assert that closing a
 * service left no connection to Kafka behind: what keeps a process alive is an open socket, whatever
 * the client library believes it closed.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface OpenConnection {
  readonly localPort: number;
  readonly remotePort: number;
  /** The kernel's TCP state, e.g. 01 ESTABLISHED, 08 CLOSE_WAIT. */
  readonly state: string;
}

const SOCKET_LINK = /^socket:\[(\d+)\]$/;

/** This process's socket inodes (fds that name a socket). */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = SOCKET_LINK.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m?.[1] !== undefined) inodes.add(m[1]);
    } catch {
      // the fd closed while listing (the listing's own fd, or one closing meanwhile)
    }
  }
  return inodes;
}

/** `ip:port` in /proc/net/tcp form (hex) -> the port. */
function portOf(address: string): number {
  return Number.parseInt(address.split(':')[1] ?? '', 16);
}

/** Open TCP connections of this process to any of `remotePorts` (a listening socket has remote port 0). */
export function openConnectionsTo(remotePorts: Iterable<number>): OpenConnection[] {
  const wanted = new Set(remotePorts);
  const inodes = ownSocketInodes();
  const out: OpenConnection[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 table on this kernel
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [, local, remote, state, , , , , , inode] = f as [string, string, string, string, ...string[]];
      if (inode === undefined || !inodes.has(inode)) continue;
      const remotePort = portOf(remote);
      if (wanted.has(remotePort)) out.push({ localPort: portOf(local), remotePort, state });
    }
  }
  return out;
}

/** The ports of `host:port` bootstrap addresses. */
export function portsOf(brokers: readonly string[]): number[] {
  return brokers.map((b) => Number(b.slice(b.lastIndexOf(':') + 1))).filter((p) => Number.isInteger(p) && p > 0);
}
