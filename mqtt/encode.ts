/**
 * Hot-path packet encoding, by hand: a PUBLISH is one Buffer.allocUnsafe (pooled by Node for small
 * packets) filled with the pre-encoded topic, the packet id and the payload, written with one
 * socket.write. The rarer packets (CONNECT, SUBSCRIBE, DISCONNECT) go through mqtt-packet's
 * generate(), and the fixed ones (PINGREQ, 3.1.1 DISCONNECT) are constants.
 *
 * The packet id is patched in at send time (`writePacketId`), so a PUBLISH encoded while offline
 * is queued as is and numbered when a window slot frees up.
 */
import type { PublishOptions, ProtocolVersion, QoS } from './types.js';

/** A topic name encoded once (2-byte length + UTF-8), for a car to reuse on every publish. */
export class EncodedTopic {
  readonly name: string;
  readonly bytes: Buffer;

  constructor(name: string) {
    if (name.length === 0) throw new RangeError('empty MQTT topic');
    if (name.includes('+') || name.includes('#')) throw new RangeError(`wildcards are not allowed in a publish topic: ${name}`);
    const utf8 = Buffer.from(name, 'utf8');
    if (utf8.length > 0xffff) throw new RangeError('MQTT topic longer than 65535 bytes');
    this.bytes = Buffer.allocUnsafeSlow(utf8.length + 2);
    this.bytes.writeUInt16BE(utf8.length, 0);
    utf8.copy(this.bytes, 2);
    this.name = name;
  }
}

export function encodeTopic(name: string): EncodedTopic {
  return new EncodedTopic(name);
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT_V4 = Buffer.from([0xe0, 0x00]);

function varIntLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarInt(buf: Buffer, offset: number, n: number): number {
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    buf[offset++] = byte;
  } while (n > 0);
  return offset;
}

function propertiesLength(o: PublishOptions | undefined): number {
  if (o === undefined) return 0;
  let n = 0;
  if (o.messageExpiryInterval !== undefined) n += 5;
  if (o.responseTopic !== undefined) n += 3 + Buffer.byteLength(o.responseTopic);
  if (o.correlationData !== undefined) n += 3 + o.correlationData.length;
  if (o.contentType !== undefined) n += 3 + Buffer.byteLength(o.contentType);
  return n;
}

function writeProperties(buf: Buffer, at: number, o: PublishOptions): number {
  if (o.messageExpiryInterval !== undefined) {
    buf[at++] = 0x02;
    at = buf.writeUInt32BE(o.messageExpiryInterval >>> 0, at);
  }
  if (o.contentType !== undefined) {
    buf[at++] = 0x03;
    const len = buf.write(o.contentType, at + 2, 'utf8');
    buf.writeUInt16BE(len, at);
    at += 2 + len;
  }
  if (o.responseTopic !== undefined) {
    buf[at++] = 0x08;
    const len = buf.write(o.responseTopic, at + 2, 'utf8');
    buf.writeUInt16BE(len, at);
    at += 2 + len;
  }
  if (o.correlationData !== undefined) {
    buf[at++] = 0x09;
    at = buf.writeUInt16BE(o.correlationData.length, at);
    at += o.correlationData.copy(buf, at);
  }
  return at;
}

/**
 * Encodes a PUBLISH with a zero packet id (set later with writePacketId). MQTT 5 properties in
 * `options` are ignored on 3.1.1. A text payload is written as UTF-8 straight into the packet (no
 * intermediate Buffer).
 */
export function encodePublish(
  version: ProtocolVersion,
  topic: EncodedTopic,
  payload: Uint8Array | string,
  qos: QoS,
  options: PublishOptions | undefined,
): Buffer {
  const propsLen = version === 5 ? propertiesLength(options) : 0;
  const propsBlock = version === 5 ? varIntLength(propsLen) + propsLen : 0;
  const text = typeof payload === 'string';
  const payloadLength = text ? Buffer.byteLength(payload, 'utf8') : payload.length;
  const remaining = topic.bytes.length + (qos > 0 ? 2 : 0) + propsBlock + payloadLength;
  if (remaining > 268_435_455) throw new RangeError('MQTT packet larger than 256 MB');
  const buf = Buffer.allocUnsafe(1 + varIntLength(remaining) + remaining);
  buf[0] = 0x30 | (qos << 1) | (options?.retain === true ? 1 : 0);
  let at = writeVarInt(buf, 1, remaining);
  at += topic.bytes.copy(buf, at);
  if (qos > 0) {
    buf[at++] = 0;
    buf[at++] = 0;
  }
  if (version === 5) {
    at = writeVarInt(buf, at, propsLen);
    if (propsLen > 0) at = writeProperties(buf, at, options!);
  }
  if (text) buf.write(payload, at, payloadLength, 'utf8');
  else buf.set(payload, at);
  return buf;
}

/** Offset of the packet id in an encoded QoS 1/2 PUBLISH. */
export function publishPacketIdOffset(buf: Buffer): number {
  let at = 1;
  while ((buf[at++]! & 0x80) !== 0);
  return at + 2 + buf.readUInt16BE(at);
}

export function writePacketId(buf: Buffer, packetId: number): void {
  buf.writeUInt16BE(packetId, publishPacketIdOffset(buf));
}

export function publishQos(buf: Buffer): QoS {
  return ((buf[0]! >> 1) & 3) as QoS;
}

/** Sets the DUP flag of an encoded PUBLISH (retransmission after reconnect). */
export function markDuplicate(buf: Buffer): void {
  buf[0] = buf[0]! | 0x08;
}

/** PUBACK (0x40), PUBREC (0x50), PUBREL (0x62), PUBCOMP (0x70): 4 bytes, reason code 0 implied. */
export function encodeAck(firstByte: number, packetId: number): Buffer {
  const buf = Buffer.allocUnsafe(4);
  buf[0] = firstByte;
  buf[1] = 2;
  buf.writeUInt16BE(packetId, 2);
  return buf;
}

export const PUBACK = 0x40;
export const PUBREC = 0x50;
export const PUBREL = 0x62;
export const PUBCOMP = 0x70;
