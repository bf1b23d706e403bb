/** SUBACK: settles the subscribe() calls waiting for it; a refusal nobody waited for is reported. */
import { subackCodes } from '../packets.js';
import { packetId, type PacketHandler } from './host.js';

export const handleSuback: PacketHandler = (host, buf, _packetStart, bodyStart, end) => {
  const codes = subackCodes(host.version, buf, bodyStart, end);
  const refused = host.subscriptions.suback(packetId(buf, bodyStart, end), codes, host.outbox);
  if (refused !== undefined) host.emitError(refused);
};
