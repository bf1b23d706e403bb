/** PUBREL (an incoming QoS 2 message, second half): the message is forgotten, PUBCOMP answers. */
import { packetId, type PacketHandler } from './host.js';

export const handlePubrel: PacketHandler = (host, buf, _packetStart, bodyStart, end) =>
  host.inbox.pubrel(packetId(buf, bodyStart, end), host.write);
