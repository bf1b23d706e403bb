/**
 * CONNACK: refused, the attempt fails with a typed error; accepted, the session goes online, then
 * what the old connection lost is sent again (unacknowledged publishes, pending subscriptions) and
 * the offline queue is flushed, in that order.
 */
import { connackError } from '../connack.js';
import { parseConnack } from '../packets.js';
import type { PacketHandler } from './host.js';

export const handleConnack: PacketHandler = (host, buf, packetStart, bodyStart, end) => {
  if (host.state() !== 'connecting') return host.protocolError('CONNACK while not connecting');
  const { sessionPresent, code, reasonString, receiveMaximum } = parseConnack(host.version, buf, packetStart, bodyStart, end);
  const outbox = host.outbox;
  outbox.setReceiveMaximum(receiveMaximum);
  if (code !== 0) return host.refused(connackError(host.version, code, host.clientId, reasonString));
  if (!host.accepted(sessionPresent)) return; // a handler closed us
  // The session corks the socket around a whole read, so all of this leaves in one write.
  const lost = outbox.retransmit(sessionPresent, host.write);
  host.subscriptions.connected(sessionPresent, lost, outbox, host.version, host.write);
  outbox.flush(host.write);
};
