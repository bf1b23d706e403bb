/**
 * The receive side of a session: decodes an incoming PUBLISH, acknowledges it (PUBACK for QoS 1,
 * PUBREC then PUBCOMP for QoS 2) and delivers a QoS 2 message once, ignoring the broker's
 * retransmissions of it until its PUBREL.
 */
import type { IPublishPacket } from 'mqtt-packet';
import { PUBACK, PUBCOMP, PUBREC, encodeAck } from './encode.js';
import { decodeWhole } from './framer.js';
import type { Writer } from './outbox.js';
import { toIncoming } from './packets.js';
import type { IncomingMessage, ProtocolVersion } from './types.js';

export class Inbox {
  /** QoS 2 packet ids delivered and waiting for PUBREL. */
  #pendingQos2: number[] | undefined;

  /**
   * A PUBLISH at buf[start, end): acknowledged, and delivered unless it is a QoS 2 duplicate.
   * `buf` may be the shared read buffer: the packet is copied before decoding, since the decoded
   * payload is a view of it. `deliver` runs before the QoS 1 PUBACK goes out.
   */
  publish(
    version: ProtocolVersion,
    buf: Buffer,
    start: number,
    end: number,
    write: Writer,
    deliver: (m: IncomingMessage) => void | Promise<void>,
    /** Writes to the connection the PUBLISH came on, or nowhere once it is gone (deferred acks). */
    writeLater: Writer = write,
  ): void {
    const p = decodeWhole(version, Buffer.from(buf.subarray(start, end))) as IPublishPacket;
    const id = p.messageId ?? 0;
    if (p.qos === 2) {
      const pending = (this.#pendingQos2 ??= []);
      write(encodeAck(PUBREC, id));
      if (pending.includes(id)) return; // a duplicate before PUBREL: already delivered
      pending.push(id);
    }
    const handled = deliver(toIncoming(p));
    if (p.qos !== 1) return;
    // A handler that returns a promise holds the PUBACK until it resolves (the bridge: until Kafka
    // has the record). Rejected or connection gone: no PUBACK, so the broker delivers it again.
    if (handled === undefined) write(encodeAck(PUBACK, id));
    else
      handled.then(
        () => writeLater(encodeAck(PUBACK, id)),
        () => undefined,
      );
  }

  pubrel(id: number, write: Writer): void {
    if (this.#pendingQos2 !== undefined) this.#pendingQos2 = this.#pendingQos2.filter((x) => x !== id);
    write(encodeAck(PUBCOMP, id));
  }
}
