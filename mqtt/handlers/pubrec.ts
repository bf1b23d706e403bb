/** PUBREC: a QoS 2 publish of ours was received; the outbox answers PUBREL (or reports a refusal). */
import { ACK_REJECTED } from '../outbox.js';
import { settleAck } from './ack.js';
import { packetId, reasonCode, type PacketHandler } from './host.js';

export const handlePubrec: PacketHandler = (host, buf, _packetStart, bodyStart, end) => {
  const reason = reasonCode(host.version, buf, bodyStart, end);
  if (host.outbox.pubrec(packetId(buf, bodyStart, end), reason, host.write) === ACK_REJECTED) settleAck(host, ACK_REJECTED, 2, reason);
};
