/**
 * A TCP relay that delays what it forwards, for the impaired-link tests (impaired-link.ts runs it
 * inside the link's network namespace with `ip netns exec`): the kernel here has no netem qdisc, so
 * latency and jitter are added in user space. Every chunk read in one direction is written after
 * delayMs + a uniform draw in [0, jitterMs), never before the chunk before it (the byte stream keeps
 * its order, as TCP's would). Loss and bandwidth are the kernel's (nft, tbf), on the packets.
 *
 *   node delay-proxy-main.js <listen host> <target host> <target port> <delayMs> <jitterMs>
 *
 * Prints `listening <port>` once it accepts connections; stops when its stdin closes (the parent gone).
 */
import { createServer, connect, type Socket } from 'node:net';

const [listenHost, targetHost, targetPort, delayText, jitterText] = process.argv.slice(2);
const delayMs = Number(delayText);
const jitterMs = Number(jitterText);
if (listenHost === undefined || targetHost === undefined || !(Number(targetPort) > 0) || !(delayMs >= 0) || !(jitterMs >= 0)) {
  process.stderr.write('usage: delay-proxy-main.js <listen host> <target host> <target port> <delayMs> <jitterMs>\n');
  process.exit(2);
}

/** Pipes `from` into `to`, each chunk delayed, in order; `to` ends or closes once what was read before has been written. */
function delayedPipe(from: Socket, to: Socket): void {
  let lastDue = 0;
  const afterPending = (fn: () => void): void => void setTimeout(fn, Math.max(0, lastDue - performance.now()) + 1);
  from.on('data', (chunk: Buffer) => {
    const due = Math.max(lastDue, performance.now() + delayMs + Math.random() * jitterMs);
    lastDue = due;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, due - performance.now());
  });
  from.on('end', () => afterPending(() => to.end()));
  from.on('close', () => afterPending(() => to.destroy()));
  from.on('error', () => undefined);
}

const server = createServer((client) => {
  const upstream = connect({ host: targetHost, port: Number(targetPort) });
  delayedPipe(client, upstream);
  delayedPipe(upstream, client);
});
server.listen(0, listenHost, () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
