/**
 * Shapes shared by the lean MQTT session, its pool and their users. Payload-agnostic: the session
 * moves bytes to topics; payloads are built elsewhere (protocol/).
 */
import type { BackoffOptions } from './backoff.js';

export type QoS = 0 | 1 | 2;
/** 4 = MQTT 3.1.1, 5 = MQTT 5. */
export type ProtocolVersion = 4 | 5;

/** Per-publish options; the MQTT 5 properties are dropped on a 3.1.1 session. */
export interface PublishOptions {
  readonly retain?: boolean;
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  /** Seconds. */
  readonly messageExpiryInterval?: number;
  readonly contentType?: string;
}

/** A PUBLISH the broker delivered to this session. */
export interface IncomingMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly dup: boolean;
  /** MQTT 5 properties (undefined on 3.1.1 or when absent). */
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  readonly messageExpiryInterval?: number;
  readonly contentType?: string;
  readonly userProperties?: Readonly<Record<string, string | string[]>>;
}

export interface Will {
  readonly topic: string;
  readonly payload: Buffer | string;
  readonly qos?: QoS;
  readonly retain?: boolean;
}

export interface Subscription {
  readonly topic: string;
  readonly qos: QoS;
}

export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  /** Source address to bind (e.g. 127.0.0.7), to spread connections over ephemeral port ranges. */
  readonly localAddress?: string;
  /** MQTT over WebSocket (ws://, or wss:// with `tls`) on this path (e.g. /mqtt) when set. */
  readonly websocket?: { readonly path: string };
  /** TLS when set; `ca` is a PEM file path (read once per path, one shared secure context). */
  readonly tls?: { readonly ca?: string; readonly servername?: string; readonly rejectUnauthorized?: boolean };
}

/**
 * What to do with a publish that cannot be sent now (offline, or the in-flight window is full):
 * - 'drop-oldest' (default): queue it; when the queue is full the oldest queued message is dropped
 *   and counted (telemetry: fresh data matters more than old).
 * - 'drop-newest': when the queue is full the new message is refused (publish returns DROPPED) and
 *   counted; the caller sees backpressure and may keep the message itself.
 */
export type QueuePolicy = 'drop-oldest' | 'drop-newest';

export interface SessionOptions {
  readonly clientId: string;
  readonly transport: TransportOptions;
  readonly protocolVersion?: ProtocolVersion;
  readonly username?: string;
  readonly password?: string | Buffer;
  /** Clean session (3.1.1) / clean start (5); true by default. */
  readonly clean?: boolean;
  /** MQTT 5 session expiry in seconds; set > 0 with clean=false to keep the session on 5. */
  readonly sessionExpiryInterval?: number;
  /** Seconds; 60 by default; 0 disables PINGREQ. */
  readonly keepalive?: number;
  readonly will?: Will;
  /** ms to wait for CONNACK; 10 s by default. */
  readonly connectTimeoutMs?: number;
  /**
   * Brokers to rotate through, the first being transport's own host and port: each reconnect after
   * a lost or failed connection goes to the next (clustered brokers that share sessions).
   */
  readonly failover?: readonly { readonly host: string; readonly port: number }[];
  /** Reconnect backoff; `false` = never reconnect. */
  readonly reconnect?: BackoffOptions | false;
  /** Unacknowledged QoS 1/2 publishes at once (power of two); 16 by default. */
  readonly inflightWindow?: number;
  /** Publishes held while offline or the window is full; 100 by default. */
  readonly maxQueued?: number;
  readonly queuePolicy?: QueuePolicy;
  /** Subscriptions made (again) on every connect without a session present. */
  readonly subscriptions?: readonly Subscription[];
}

export type SessionState = 'idle' | 'connecting' | 'connected' | 'waiting' | 'closed';

/** Result of publish(). */
export const PublishResult = {
  /** Written to the socket. */
  SENT: 0,
  /** Held in the offline queue (possibly dropping the oldest queued one, counted in stats). */
  QUEUED: 1,
  /** Refused: queue full with 'drop-newest', or the session is closed. Counted in stats. */
  DROPPED: 2,
} as const;
export type PublishResult = (typeof PublishResult)[keyof typeof PublishResult];
