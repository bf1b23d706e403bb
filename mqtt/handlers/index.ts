/**
 * The packet handlers of a session, one file per packet type, picked by a table indexed by the
 * packet type (the high nibble of the first byte): one array load per packet, no branching.
 */
import { handleConnack } from './connack.js';
import { handleDisconnect } from './disconnect.js';
import type { PacketHandler, PacketHost } from './host.js';
import { PacketType } from './packet-type.js';
import { handlePingresp } from './pingresp.js';
import { handlePuback } from './puback.js';
import { handlePubcomp } from './pubcomp.js';
import { handlePublish } from './publish.js';
import { handlePubrec } from './pubrec.js';
import { handlePubrel } from './pubrel.js';
import { handleSuback } from './suback.js';
import { handleUnsuback } from './unsuback.js';

export type { PacketHandler, PacketHost } from './host.js';
export { PacketType } from './packet-type.js';

const byType: Partial<Record<PacketType, PacketHandler>> = {
  [PacketType.CONNACK]: handleConnack,
  [PacketType.PUBLISH]: handlePublish,
  [PacketType.PUBACK]: handlePuback,
  [PacketType.PUBREC]: handlePubrec,
  [PacketType.PUBREL]: handlePubrel,
  [PacketType.PUBCOMP]: handlePubcomp,
  [PacketType.SUBACK]: handleSuback,
  [PacketType.UNSUBACK]: handleUnsuback,
  [PacketType.PINGRESP]: handlePingresp,
  [PacketType.DISCONNECT]: handleDisconnect,
};

/** A dense array of the 16 possible types (holes for the packets a client never receives). */
const table: readonly (PacketHandler | undefined)[] = Array.from({ length: 16 }, (_, type) => byType[type as PacketType]);

/** Handles one received packet; an unexpected type is a protocol error. */
export function handlePacket(host: PacketHost, first: number, buf: Buffer, packetStart: number, bodyStart: number, end: number): void {
  const handler = table[first >> 4];
  if (handler === undefined) return host.protocolError(`unexpected packet type ${first >> 4}`);
  handler(host, buf, packetStart, bodyStart, end);
}
