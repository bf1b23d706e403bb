/** DISCONNECT from an MQTT 5 broker: it is closing the connection (the close itself follows). */
import type { PacketHandler } from './host.js';

export const handleDisconnect: PacketHandler = (host) => host.serverDisconnect();
