/**
 * Limits at the connection, before and after login. aedes 1.2 and mqtt-packet 9 have no maximum
 * packet size: the parser buffers a whole packet however large its fixed header says it is, so
 * three unauthenticated connections announcing 250 MB CONNECTs once took the backend from 406 MB
 * to 956 MB (issue 19). The guard reads every chunk aedes pulls from the connection (aedes reads
 * with `conn.read()` on 'readable') and ends the connection
 *  - when a packet announces more than `maxPacketSize` bytes, as soon as its fixed header is in,
 *    before any of its body is buffered;
 *  - when more than `preAuthMaxBytes` have arrived and the client is still not connected (its
 *    CONNECT not yet accepted).
 * The time limit before login is aedes's connectTimeout plus the listeners' own (embedded.ts).
 * FrameScanner is pure: it follows the packet boundaries through the chunks, a few operations per
 * packet, without copying.
 */
import type { Duplex } from 'node:stream';

export interface ConnectionLimits {
  readonly maxPacketSize: number;
  readonly preAuthMaxBytes: number;
}

export type GuardDrop = 'packet_too_large' | 'pre_auth_budget' | 'malformed_length';

export interface GuardProblem {
  readonly reason: GuardDrop;
  readonly detail: string;
}

/** Follows MQTT packet boundaries across chunks: fixed header byte, remaining length (1-4 bytes), body. */
export class FrameScanner {
  readonly #max: number;
  /** Body bytes of the current packet still to come. */
  #skip = 0;
  /** 0: at a fixed header byte; 1-4: reading the remaining length, that many bytes read. */
  #lenBytes = 0;
  #len = 0;
  #mul = 1;
  #atHeader = true;

  constructor(maxPacketSize: number) {
    this.#max = maxPacketSize;
  }

  /** The problem with the packets in `buf` (continuing from the previous chunks), or undefined. */
  feed(buf: Buffer): GuardProblem | undefined {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.#skip > 0) {
        const take = Math.min(this.#skip, n - i);
        this.#skip -= take;
        i += take;
        continue;
      }
      if (this.#atHeader) {
        this.#atHeader = false;
        this.#lenBytes = 0;
        this.#len = 0;
        this.#mul = 1;
        i++;
        continue;
      }
      const b = buf[i++] as number;
      this.#len += (b & 0x7f) * this.#mul;
      this.#mul *= 128;
      this.#lenBytes++;
      if ((b & 0x80) !== 0) {
        if (this.#lenBytes === 4) return { reason: 'malformed_length', detail: 'remaining length longer than 4 bytes' };
        continue;
      }
      const total = 1 + this.#lenBytes + this.#len;
      if (total > this.#max) {
        return { reason: 'packet_too_large', detail: `a packet of ${total} bytes announced (mqtt.maxPacketSize is ${this.#max})` };
      }
      this.#skip = this.#len;
      this.#atHeader = true;
    }
    return undefined;
  }
}

/**
 * Guards `stream` (already handed to aedes): `connected()` tells whether the client's CONNECT was
 * accepted; `onDrop` hears why a connection was ended. Installs itself on the stream's read().
 */
export function guardConnection(
  stream: Duplex,
  limits: ConnectionLimits,
  connected: () => boolean,
  onDrop: (problem: GuardProblem) => void,
): void {
  const scanner = new FrameScanner(limits.maxPacketSize);
  const read0 = stream.read.bind(stream);
  let preAuth = 0;
  let dropped = false;
  const drop = (problem: GuardProblem): null => {
    dropped = true;
    stream.destroy();
    onDrop(problem);
    return null;
  };
  stream.read = (size?: number): unknown => {
    if (dropped) return null;
    const chunk: unknown = read0(size);
    if (!Buffer.isBuffer(chunk)) return chunk;
    if (!connected()) {
      preAuth += chunk.length;
      if (preAuth > limits.preAuthMaxBytes) {
        return drop({
          reason: 'pre_auth_budget',
          detail: `${preAuth} bytes before the CONNECT was accepted (mqtt.preAuthMaxBytes is ${limits.preAuthMaxBytes})`,
        });
      }
    }
    const problem = scanner.feed(chunk);
    return problem === undefined ? chunk : drop(problem);
  };
}
