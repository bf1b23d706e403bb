/** PUBACK: a QoS 1 publish of ours is acknowledged (or, on MQTT 5, refused by its reason code). */
import { InflightKind } from '../inflight.js';
import { settleAck } from './ack.js';
import { packetId, reasonCode, type PacketHandler } from './host.js';

export const handlePuback: PacketHandler = (host, buf, _packetStart, bodyStart, end) => {
  const reason = reasonCode(host.version, buf, bodyStart, end);
  settleAck(host, host.outbox.ack(packetId(buf, bodyStart, end), InflightKind.PUBACK, reason), 1, reason);
};
