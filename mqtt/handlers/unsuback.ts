/** UNSUBACK: settles the unsubscribe() call waiting for it. */
import { packetId, type PacketHandler } from './host.js';

export const handleUnsuback: PacketHandler = (host, buf, _packetStart, bodyStart, end) =>
  host.subscriptions.unsuback(packetId(buf, bodyStart, end), host.outbox);
