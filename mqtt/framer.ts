/**
 * Splits a session's incoming bytes into MQTT packets without allocating in the common case (a
 * read holding whole packets: PUBACKs, PINGRESP). Only a packet cut across two reads is copied.
 *
 * `chunk` may be a buffer reused for the next read: nothing may keep a view of it (a cut packet is
 * copied; sinks copy what they keep).
 *
 * The frequent small packets (acks, PINGRESP, 3.1.1 CONNACK/SUBACK) are read in place by the
 * session; the rest (PUBLISH, MQTT 5 CONNACK with properties) go whole to mqtt-packet's parser,
 * one parser per protocol version shared by every session in the worker: fed one complete packet
 * at a time it holds no state between calls, so no session needs a parser of its own.
 */
import { parser as createParser } from 'mqtt-packet';
import type { Packet, Parser } from 'mqtt-packet';
import type { ProtocolVersion } from './types.js';

export interface FrameSink {
  /** One complete packet: its first byte, the packet at buf[packetStart, end), its body from bodyStart. */
  onFrame(first: number, buf: Buffer, packetStart: number, bodyStart: number, end: number): void;
}

/** Largest packet we accept from a broker (a guard against garbage lengths). */
const MAX_PACKET = 16 * 1024 * 1024;

export class Framer {
  #rest: Buffer | undefined;

  reset(): void {
    this.#rest = undefined;
  }

  /** Feeds bytes; calls sink.onFrame per complete packet. Returns an error text on garbage. */
  push(chunk: Buffer, sink: FrameSink, length = chunk.length): string | undefined {
    let buf = chunk;
    let n = length;
    if (this.#rest !== undefined) {
      buf = Buffer.concat([this.#rest, chunk.subarray(0, length)]);
      n = buf.length;
      this.#rest = undefined;
    }
    let at = 0;
    while (at < n) {
      // fixed header: type byte, then 1-4 bytes of remaining length
      let len = 0;
      let mul = 1;
      let i = at + 1;
      let complete = false;
      for (; i < n && i < at + 5; i++) {
        const b = buf[i]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete) {
        if (i >= at + 5) return 'malformed remaining length';
        break; // header cut
      }
      if (len > MAX_PACKET) return `packet of ${len} bytes is larger than allowed`;
      if (i + len > n) break; // body cut
      sink.onFrame(buf[at]!, buf, at, i, i + len);
      at = i + len;
    }
    if (at < n) this.#rest = Buffer.from(buf.subarray(at, n)); // a copy: `chunk` may be a shared read buffer
    return undefined;
  }
}

const parsers = new Map<ProtocolVersion, Parser>();
let parsed: Packet | undefined;
let parseError: Error | undefined;

/** Decodes one complete packet (fixed header included) with a shared mqtt-packet parser. */
export function decodeWhole(version: ProtocolVersion, frame: Buffer): Packet {
  let p = parsers.get(version);
  if (p === undefined) {
    p = createParser({ protocolVersion: version });
    p.on('packet', (packet: Packet) => {
      parsed = packet;
    });
    p.on('error', (err: unknown) => {
      parseError = err instanceof Error ? err : new Error(String(err));
    });
    parsers.set(version, p);
  }
  parsed = undefined;
  parseError = undefined;
  p.parse(frame);
  const packet = parsed as Packet | undefined;
  const error = parseError as Error | undefined;
  parsed = undefined;
  parseError = undefined;
  if (error !== undefined) throw error;
  if (packet === undefined) throw new Error('incomplete packet');
  return packet;
}
