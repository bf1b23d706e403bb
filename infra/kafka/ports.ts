/**
 * Free loopback ports for brokers and controllers: bind, read the port, close.
 *
 * Candidates come from BELOW the kernel's ephemeral range (ip_local_port_range) when there is room
 * there: a port from the ephemeral range (what "bind port 0" gives) can be taken as the source port
 * of an outgoing connection while a broker is stopped for a fault test, and then the broker cannot
 * come back on the same port. Outside Linux, or with no room, port 0 is used.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { LOOPBACK } from './properties.js';

const LOW_FLOOR = 10_000;

export function ephemeralRange(): [number, number] | undefined {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return lo !== undefined && hi !== undefined && lo > 0 && hi >= lo ? [lo, hi] : undefined;
  } catch {
    return undefined;
  }
}

/** Binds `port` on the loopback (0 = any) and returns the port bound, or undefined if taken. */
function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr !== null ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const out = new Set<number>();
  const range = ephemeralRange();
  const lowTop = range !== undefined ? range[0] - 1 : 0;
  let attempts = 0;
  while (out.size < count) {
    attempts++;
    let port: number | undefined;
    if (lowTop - LOW_FLOOR > 1000 && attempts < 200) {
      const candidate = LOW_FLOOR + Math.floor(Math.random() * (lowTop - LOW_FLOOR));
      if (!out.has(candidate)) port = await tryBind(candidate);
    } else {
      port = await tryBind(0);
    }
    if (port !== undefined) out.add(port);
    if (attempts > 1000) throw new Error('no free loopback port found');
  }
  return [...out];
}
