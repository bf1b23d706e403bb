/**
 * The rarer packets, built with mqtt-packet's generate() (CONNECT, SUBSCRIBE, UNSUBSCRIBE), and the
 * decoding of an incoming PUBLISH into an IncomingMessage.
 */
import { generate, writeToStream } from 'mqtt-packet';
import type { IConnackPacket, IConnectPacket, IPublishPacket, ISubscription } from 'mqtt-packet';
import { decodeWhole } from './framer.js';
import type { IncomingMessage, ProtocolVersion, SessionOptions, Subscription } from './types.js';

// On its first use mqtt-packet pre-builds a 2-byte Buffer for each of the 65,536 possible numbers:
// 6.4 MB of heap per worker thread, for packets we send a few times per connection. Build them on
// the fly instead. (Process-wide: an aedes in the same thread would write its numbers unshared too.)
writeToStream.cacheNumbers = false;

export function encodeConnect(o: SessionOptions, version: ProtocolVersion): Buffer {
  const packet: IConnectPacket = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: version,
    clientId: o.clientId,
    clean: o.clean ?? true,
    keepalive: o.keepalive ?? 60,
  };
  if (o.username !== undefined) packet.username = o.username;
  if (o.password !== undefined) packet.password = typeof o.password === 'string' ? Buffer.from(o.password) : o.password;
  if (o.will !== undefined) {
    packet.will = { topic: o.will.topic, payload: o.will.payload, qos: o.will.qos ?? 0, retain: o.will.retain ?? false };
  }
  if (version === 5 && o.sessionExpiryInterval !== undefined) packet.properties = { sessionExpiryInterval: o.sessionExpiryInterval };
  return generate(packet, { protocolVersion: version });
}

export function encodeSubscribe(version: ProtocolVersion, packetId: number, subs: readonly Subscription[]): Buffer {
  const subscriptions: ISubscription[] = subs.map((s) => ({ topic: s.topic, qos: s.qos }));
  return generate({ cmd: 'subscribe', messageId: packetId, subscriptions }, { protocolVersion: version });
}

export function encodeUnsubscribe(version: ProtocolVersion, packetId: number, topics: readonly string[]): Buffer {
  return generate({ cmd: 'unsubscribe', messageId: packetId, unsubscriptions: [...topics] }, { protocolVersion: version });
}

export function toIncoming(p: IPublishPacket): IncomingMessage {
  const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload;
  const props = p.properties;
  if (props === undefined) return { topic: p.topic, payload, qos: p.qos, retain: p.retain, dup: p.dup };
  return {
    topic: p.topic,
    payload,
    qos: p.qos,
    retain: p.retain,
    dup: p.dup,
    ...(props.responseTopic === undefined ? {} : { responseTopic: props.responseTopic }),
    ...(props.correlationData === undefined ? {} : { correlationData: props.correlationData }),
    ...(props.messageExpiryInterval === undefined ? {} : { messageExpiryInterval: props.messageExpiryInterval }),
    ...(props.contentType === undefined ? {} : { contentType: props.contentType }),
    ...(props.userProperties === undefined ? {} : { userProperties: props.userProperties }),
  };
}

/** Granted QoS / reason codes of a SUBACK body (after the packet id; MQTT 5 properties skipped). */
export function subackCodes(version: ProtocolVersion, buf: Buffer, bodyStart: number, end: number): number[] {
  let at = bodyStart + 2;
  if (version === 5) {
    let len = 0;
    let mul = 1;
    for (;;) {
      const b = buf[at++] ?? 0;
      len += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0 || at >= end) break;
    }
    at += len;
  }
  return [...buf.subarray(at, end)];
}

export interface Connack {
  readonly sessionPresent: boolean;
  /** 0 = accepted; else the 3.1.1 return code or MQTT 5 reason code. */
  readonly code: number;
  readonly reasonString: string | undefined;
  readonly receiveMaximum: number | undefined;
}

/** Reads a CONNACK: in place on 3.1.1, with mqtt-packet on 5 (properties). */
export function parseConnack(version: ProtocolVersion, buf: Buffer, packetStart: number, bodyStart: number, end: number): Connack {
  if (version === 4) {
    return {
      sessionPresent: (buf[bodyStart]! & 1) === 1,
      code: buf[bodyStart + 1] ?? 0,
      reasonString: undefined,
      receiveMaximum: undefined,
    };
  }
  const p = decodeWhole(5, buf.subarray(packetStart, end)) as IConnackPacket;
  return {
    sessionPresent: p.sessionPresent,
    code: p.reasonCode ?? 0,
    reasonString: p.properties?.reasonString,
    receiveMaximum: p.properties?.receiveMaximum,
  };
}
