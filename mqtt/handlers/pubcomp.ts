/** PUBCOMP: a QoS 2 publish of ours is complete. */
import { InflightKind } from '../inflight.js';
import { settleAck } from './ack.js';
import { packetId, reasonCode, type PacketHandler } from './host.js';

export const handlePubcomp: PacketHandler = (host, buf, _packetStart, bodyStart, end) => {
  const reason = reasonCode(host.version, buf, bodyStart, end);
  settleAck(host, host.outbox.ack(packetId(buf, bodyStart, end), InflightKind.PUBCOMP, reason), 2, reason);
};
