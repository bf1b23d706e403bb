/** PUBLISH from the broker: acknowledged and delivered by the session's inbox. */
import type { PacketHandler } from './host.js';

export const handlePublish: PacketHandler = (host, buf, packetStart, _bodyStart, end) =>
  host.inbox.publish(host.version, buf, packetStart, end, host.write, host.deliver, host.connectionWriter());
