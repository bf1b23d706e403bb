/** PINGRESP: the broker answered our keepalive PINGREQ. */
import type { PacketHandler } from './host.js';

export const handlePingresp: PacketHandler = (host) => host.pingAnswered();
