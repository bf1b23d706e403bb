/**
 * What a packet handler may see and do of its session. The session builds one PacketHost when it
 * is constructed; handlers get it with each packet's bounds, so handling a packet allocates nothing.
 */
import type { V2xError } from '../../core/errors.js';
import type { Inbox } from '../inbox.js';
import type { Outbox, Writer } from '../outbox.js';
import type { Subscriptions } from '../subscriptions.js';
import type { IncomingMessage, ProtocolVersion, SessionState } from '../types.js';

export interface PacketHost {
  readonly version: ProtocolVersion;
  readonly clientId: string;
  readonly outbox: Outbox;
  readonly inbox: Inbox;
  readonly subscriptions: Subscriptions;
  /** Writes to the current connection. */
  readonly write: Writer;
  /** Counts an incoming message and hands it to the session's events. */
  readonly deliver: (message: IncomingMessage) => void | Promise<void>;
  /** A writer bound to the current connection: a deferred PUBACK never lands on a later one. */
  connectionWriter(): Writer;
  state(): SessionState;
  /** The broker accepted the connection: the session is online (nothing announced yet). */
  accepted(sessionPresent: boolean): void;
  /** Tells the session's events that it is connected (after what the lost connection owed is sent). */
  announce(sessionPresent: boolean): void;
  /** The broker refused the connection. */
  refused(err: V2xError): void;
  /** A publish of ours was acknowledged, `latencyMs` after its last transmission. */
  published(latencyMs: number, qos: 1 | 2): void;
  pingAnswered(): void;
  /** An MQTT 5 broker announced that it closes the connection. */
  serverDisconnect(): void;
  emitError(err: V2xError): void;
  /** Reports a broken stream and drops the connection. */
  protocolError(detail: string): void;
}

/**
 * Handles one packet at buf[packetStart, end), its body from bodyStart. `buf` may be the shared read
 * buffer: nothing may keep a view of it.
 */
export type PacketHandler = (host: PacketHost, buf: Buffer, packetStart: number, bodyStart: number, end: number) => void;

/** The packet id that starts an ack's body (0 when the body is too short to hold one). */
export function packetId(buf: Buffer, bodyStart: number, end: number): number {
  return end - bodyStart >= 2 ? buf.readUInt16BE(bodyStart) : 0;
}

/** An MQTT 5 ack's reason code (after the packet id; absent means 0, success). */
export function reasonCode(version: ProtocolVersion, buf: Buffer, bodyStart: number, end: number): number {
  return version === 5 && end - bodyStart > 2 ? buf[bodyStart + 2]! : 0;
}
