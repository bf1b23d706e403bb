/** What follows an ack of one of our publishes (PUBACK, PUBCOMP, or a refusing PUBREC). */
import { V2xError } from '../../core/errors.js';
import { ACK_REJECTED, ACK_UNKNOWN } from '../outbox.js';
import type { PacketHost } from './host.js';

/**
 * `latencyMs` is what the outbox made of the ack: a latency, or ACK_UNKNOWN (a duplicate ack,
 * ignored) or ACK_REJECTED (an MQTT 5 refusal, reported). A freed window slot lets queued publishes go.
 */
export function settleAck(host: PacketHost, latencyMs: number, qos: 1 | 2, reason: number): void {
  if (latencyMs === ACK_UNKNOWN) return;
  if (latencyMs === ACK_REJECTED) {
    host.emitError(new V2xError('MQTT_PUBLISH_REJECTED', `reason code 0x${reason.toString(16)}`, { details: { reasonCode: reason } }));
  } else {
    host.published(latencyMs, qos);
  }
  const outbox = host.outbox;
  if (outbox.queued > 0 && host.state() === 'connected') outbox.flush(host.write);
}
