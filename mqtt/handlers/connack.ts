/**
 * CONNACK: refused, the attempt fails with a typed error; accepted, the session goes online, then
 * what the old connection lost is sent again (unacknowledged publishes, pending subscriptions), the
 * offline queue is flushed, and only then is the connection announced: what the `connected` event
 * publishes (a car's birth status) is new, never mistaken for a packet of the lost connection.
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
  host.accepted(sessionPresent);
  // The session corks the socket around a whole read, so all of this leaves in one write.
  const lost = outbox.retransmit(sessionPresent, host.write);
  host.subscriptions.connected(sessionPresent, lost, outbox, host.version, host.write);
  outbox.flush(host.write);
  host.announce(sessionPresent);
};
