/**
 * A lean MQTT 3.1.1 / 5 client session, cheap enough to hold thousands per worker thread:
 * - no timer of its own: connect timeout, keepalive and reconnect delay share one TimerNode on the
 *   worker's TimerWheel, its meaning given by the session state;
 * - no per-message closure or listener: a PUBLISH is one buffer and one socket.write; acks are read
 *   in place (framer.ts, then one handler per packet type in handlers/) and matched in a fixed
 *   in-flight window (outbox.ts, inflight.ts);
 * - counting goes straight into a shared MqttStats; events go to one shared SessionEvents object.
 *
 * Delivery: QoS 1/2 publishes not acknowledged when the connection drops are sent again after the
 * reconnect (with DUP when the broker kept the session; as new publishes when it did not), then
 * the offline queue is flushed in order. PUBACK latency is measured from the last transmission.
 */
import { V2xError } from '../core/errors.js';
import { Backoff, defaultBackoff, seedOf } from './backoff.js';
import { DISCONNECT_V4, EncodedTopic, PINGREQ, encodePublish } from './encode.js';
import type { DisconnectReason, SessionEvents } from './events.js';
import { Failover } from './failover.js';
import { Framer, type FrameSink } from './framer.js';
import { Inbox } from './inbox.js';
import { handlePacket, type PacketHost } from './handlers/index.js';
import { Outbox } from './outbox.js';
import { encodeConnect } from './packets.js';
import { Subscriptions, type SubscribeLink } from './subscriptions.js';
import { MqttStats } from './stats.js';
import { TimerNode, type TimerTarget, type TimerWheel } from './timer-wheel.js';
import { openConnection, type Connection, type ConnectionSink } from './transport.js';
import {
  PublishResult,
  type IncomingMessage,
  type ProtocolVersion,
  type PublishOptions,
  type QoS,
  type SessionOptions,
  type SessionState,
  type Subscription,
} from './types.js';

export interface SessionContext<Tag> {
  readonly wheel: TimerWheel;
  readonly stats?: MqttStats;
  readonly events?: SessionEvents<Tag>;
}

export class MqttSession<Tag = unknown> implements TimerTarget, FrameSink, ConnectionSink {
  readonly options: SessionOptions;
  readonly version: ProtocolVersion;
  readonly tag: Tag;
  readonly stats: MqttStats;
  #events: SessionEvents<Tag>;
  readonly #wheel: TimerWheel;
  readonly #timer = new TimerNode(this);
  readonly #framer = new Framer();
  readonly #outbox: Outbox;
  readonly #backoff: Backoff | undefined;
  readonly #failover: Failover;
  readonly #keepaliveMs: number;
  #state: SessionState = 'idle';
  #holdUntil = 0;
  #socket: Connection | undefined;
  readonly #subscriptions: Subscriptions;
  readonly #inbox = new Inbox();
  #lastWrite = 0;
  #pingOutstanding = false;
  #openedAt = 0;
  #lostReason: DisconnectReason = 'connection-lost';
  /** The error that ended this connection attempt, when already reported (refusal, timeout). */
  #failure: V2xError | undefined;
  #socketError: Error | undefined;
  /** What the packet handlers see of this session (built once). */
  readonly #host: PacketHost;

  constructor(options: SessionOptions, context: SessionContext<Tag>, tag: Tag) {
    this.options = options;
    this.version = options.protocolVersion ?? 4;
    this.tag = tag;
    this.#wheel = context.wheel;
    this.stats = context.stats ?? new MqttStats();
    this.#events = context.events ?? {};
    this.#outbox = new Outbox(
      { window: options.inflightWindow ?? 16, maxQueued: options.maxQueued ?? 100, policy: options.queuePolicy ?? 'drop-oldest' },
      this.stats,
      this.#wheel.clock,
    );
    // Without explicit options the jitter is seeded from the client id, so cars do not reconnect in step.
    this.#backoff =
      options.reconnect === false ? undefined : new Backoff(options.reconnect ?? { ...defaultBackoff, seed: seedOf(options.clientId) });
    this.#keepaliveMs = (options.keepalive ?? 60) * 1000;
    this.#failover = new Failover(options);
    this.#subscriptions = new Subscriptions(options.subscriptions ?? []);
    this.stats.states.idle++;
    this.#host = {
      version: this.version,
      clientId: options.clientId,
      outbox: this.#outbox,
      inbox: this.#inbox,
      subscriptions: this.#subscriptions,
      write: this.#write,
      deliver: this.#deliver,
      connectionWriter: () => {
        const socket = this.#socket;
        return (packet) => {
          if (socket !== undefined && socket === this.#socket && !socket.destroyed) socket.write(packet);
        };
      },
      state: () => this.#state,
      accepted: () => this.#accepted(),
      announce: (sessionPresent) => this.#events.connected?.(this, sessionPresent),
      refused: (err) => this.#refused(err),
      published: (latencyMs, qos) => this.#events.puback?.(this, latencyMs, qos),
      pingAnswered: () => void (this.#pingOutstanding = false),
      serverDisconnect: () => void (this.#lostReason = 'server-disconnect'),
      emitError: (err) => this.#emitError(err),
      protocolError: (detail) => this.#protocolError(detail),
    };
  }

  get state(): SessionState {
    return this.#state;
  }
  get clientId(): string {
    return this.options.clientId;
  }
  /** Publishes held (offline, or the window full), packets in flight, and of them the publishes (QoS 1/2). */
  get queued(): number {
    return this.#outbox.queued;
  }
  get inflight(): number {
    return this.#outbox.inflight;
  }
  get unacknowledged(): number {
    return this.#outbox.unacknowledged;
  }
  /** True between a PINGREQ and its PINGRESP. */
  get awaitingPingResponse(): boolean {
    return this.#pingOutstanding;
  }

  /** Replaces the event sink (to attach after construction). */
  setEvents(events: SessionEvents<Tag>): void {
    this.#events = events;
  }

  /** Opens the connection; from then on the session reconnects by itself until close(). */
  start(): void {
    if (this.#state !== 'idle' && this.#state !== 'closed') return;
    this.#connect();
  }

  /**
   * Publishes bytes (a string as UTF-8). Returns SENT when written, QUEUED when held (offline, or window full), DROPPED
   * when refused (queue full with 'drop-newest', or session closed). Drops are counted in stats.
   */
  publish(topic: EncodedTopic | string, payload: Uint8Array | string, qos: QoS = 0, options?: PublishOptions): PublishResult {
    if (this.#state === 'closed') {
      this.stats.dropped++;
      return PublishResult.DROPPED;
    }
    const encoded = typeof topic === 'string' ? new EncodedTopic(topic) : topic;
    const packet = encodePublish(this.version, encoded, payload, qos, options);
    return this.#outbox.offer(packet, qos, this.#state === 'connected', this.#write);
  }

  /** Subscribes (and remembers it, to subscribe again after a reconnect without session). */
  subscribe(subs: Subscription | readonly Subscription[]): Promise<number[]> {
    return this.#subscriptions.subscribe(Array.isArray(subs) ? (subs as readonly Subscription[]) : [subs as Subscription], this.#link());
  }

  /** Calls fn once this connection's SUBSCRIBEs are acknowledged (at once when none waits); never if it ends first. */
  afterSubscribed(fn: () => void): void {
    this.#subscriptions.whenSubscribed(fn);
  }

  /** Unsubscribes and forgets the topics (offline: only locally, see Subscriptions.unsubscribe). */
  unsubscribe(topics: string | readonly string[]): Promise<void> {
    return this.#subscriptions.unsubscribe(typeof topics === 'string' ? [topics] : topics, this.#link());
  }

  #link(): SubscribeLink {
    return { state: this.#state, clientId: this.clientId, outbox: this.#outbox, version: this.version, write: this.#write };
  }

  /**
   * Resolves once every publish made so far is acknowledged and nothing is queued, or as soon as the
   * session is not connected: lets a car's last messages be acknowledged before it disconnects.
   */
  drained(): Promise<void> {
    return this.#state === 'connected' ? this.#outbox.whenIdle() : Promise.resolve();
  }

  /** Sends DISCONNECT, closes the socket and stops reconnecting. Queued publishes stay counted. */
  close(): Promise<void> {
    return this.#stop(true);
  }

  /**
   * Drops the connection without DISCONNECT (the will fires), as a coverage hole does; reconnects
   * after the backoff, and not before `holdMs` have passed (the length of the hole). Publishes made
   * meanwhile are queued.
   */
  dropConnection(holdMs = 0): void {
    this.#holdUntil = holdMs > 0 ? this.#wheel.clock.monotonic() + holdMs : 0;
    this.#socket?.destroy();
  }

  /** Drops the connection without DISCONNECT and stops (a car that dies: the will fires). */
  kill(): Promise<void> {
    return this.#stop(false);
  }

  #stop(graceful: boolean): Promise<void> {
    const socket = this.#socket;
    const wasConnected = this.#state === 'connected';
    this.#socket = undefined; // its handlers now ignore it, so start() may follow at once
    this.#timer.cancel();
    this.#setState('closed');
    this.#failWaiters();
    if (wasConnected) this.#events.disconnected?.(this, 'client');
    if (socket === undefined || socket.closed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      if (graceful && wasConnected) socket.end(DISCONNECT_V4);
      else socket.destroy();
    });
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  #connect(): void {
    this.#setState('connecting');
    this.stats.connectAttempts++;
    this.#framer.reset();
    this.#socketError = undefined;
    this.#failure = undefined;
    this.#lostReason = 'connection-lost';
    this.#openedAt = this.#wheel.clock.monotonic();
    try {
      this.#socket = openConnection(this.#failover.transport, this);
    } catch (err) {
      this.#emitError(new V2xError('MQTT_CONNECT_FAILED', String(err), { cause: err }));
      this.#afterLoss(false);
      return;
    }
    this.#wheel.schedule(this.#timer, this.options.connectTimeoutMs ?? 10_000);
  }

  // The connection's events: each ignores a socket the session has moved on from (close, reconnect).
  onOpen(socket: Connection): void {
    if (socket !== this.#socket) return;
    // encoded per connection, not kept: a few hundred bytes per session (the will) for a rare packet
    this.#write(encodeConnect(this.options, this.version));
  }
  onBytes(socket: Connection, buf: Buffer, n: number): void {
    if (socket === this.#socket) this.#ingest(buf, n);
  }
  onSocketError(socket: Connection, err: Error): void {
    if (socket === this.#socket) this.#socketError = err;
  }
  onClosed(socket: Connection): void {
    if (socket === this.#socket) this.#lost();
  }

  #ingest(buf: Buffer, n: number): void {
    // Whatever the packets of one read make us send (the next publishes after a run of PUBACKs,
    // acks of inbound publishes) leaves in one write instead of one syscall per packet.
    const socket = this.#socket!;
    socket.cork();
    try {
      const problem = this.#framer.push(buf, this, n);
      if (problem !== undefined) this.#protocolError(problem);
    } finally {
      socket.uncork();
    }
  }

  #lost(): void {
    const wasConnected = this.#state === 'connected';
    this.#socket = undefined;
    if (!wasConnected && this.#failure === undefined) {
      const why = this.#socketError?.message ?? 'connection closed before CONNACK';
      this.#emitError(new V2xError('MQTT_CONNECT_FAILED', `${this.#failover.hostPort}: ${why}`, { cause: this.#socketError }));
    }
    this.#afterLoss(wasConnected);
  }

  #afterLoss(wasConnected: boolean): void {
    this.#timer.cancel();
    this.#pingOutstanding = false;
    if (wasConnected) {
      this.stats.disconnects++;
      this.#events.disconnected?.(this, this.#lostReason);
    }
    const failure = this.#failure;
    if (this.#backoff === undefined || (failure !== undefined && !failure.retryable)) {
      this.#setState('closed');
      this.#failWaiters(failure);
      return;
    }
    this.#setState('waiting');
    const held = this.#holdUntil - this.#wheel.clock.monotonic();
    this.#holdUntil = 0;
    this.#failover.next();
    const delay = this.#backoff.next();
    this.#wheel.schedule(this.#timer, held > delay ? held : delay);
  }

  onTimer(now: number): void {
    switch (this.#state) {
      case 'connecting':
        this.#failure = new V2xError('MQTT_CONNECT_TIMEOUT', `${this.#failover.hostPort}: ${this.options.connectTimeoutMs ?? 10_000} ms`);
        this.#emitError(this.#failure);
        this.#socket?.destroy();
        break;
      case 'waiting':
        this.#connect();
        break;
      case 'connected':
        this.#keepalive(now);
        break;
      default:
        break;
    }
  }

  #keepalive(now: number): void {
    if (this.#keepaliveMs <= 0) return;
    if (this.#pingOutstanding) {
      this.#lostReason = 'keepalive-timeout';
      this.#emitError(new V2xError('MQTT_KEEPALIVE_TIMEOUT', this.clientId));
      this.#socket?.destroy();
      return;
    }
    if (now - this.#lastWrite >= this.#keepaliveMs - this.#wheel.tickMs) {
      this.#write(PINGREQ);
      this.#pingOutstanding = true;
      this.#wheel.schedule(this.#timer, this.#keepaliveMs);
    } else {
      this.#wheel.scheduleAt(this.#timer, this.#lastWrite + this.#keepaliveMs);
    }
  }

  // ---- incoming packets: one handler per packet type (handlers/) ------------------------------

  onFrame(first: number, buf: Buffer, packetStart: number, bodyStart: number, end: number): void {
    handlePacket(this.#host, first, buf, packetStart, bodyStart, end);
  }

  #accepted(): void {
    this.#timer.cancel();
    this.#setState('connected');
    this.stats.connects++;
    this.stats.connectLatencyUs.record((this.#wheel.clock.monotonic() - this.#openedAt) * 1000);
    this.#backoff?.reset();
    this.#pingOutstanding = false;
    if (this.#keepaliveMs > 0) this.#wheel.schedule(this.#timer, this.#keepaliveMs);
  }

  #refused(err: V2xError): void {
    this.#failure = err;
    this.#emitError(err);
    this.#socket?.destroy();
  }

  readonly #deliver = (message: IncomingMessage): void | Promise<void> => {
    this.stats.received++;
    return this.#events.message?.(this, message);
  };

  // ---- outgoing -------------------------------------------------------------------------------

  readonly #write = (packet: Buffer): void => {
    this.#socket!.write(packet);
    this.#lastWrite = this.#wheel.now;
  };

  // ---- helpers --------------------------------------------------------------------------------

  #setState(next: SessionState): void {
    if (next === this.#state) return;
    this.stats.transition(this.#state, next);
    this.#state = next;
    if (next !== 'connected') this.#outbox.settleIdleWaiters();
  }

  #emitError(err: V2xError): void {
    this.stats.countError(err.code);
    this.#events.error?.(this, err);
  }

  #protocolError(detail: string): void {
    this.#lostReason = 'protocol-error';
    this.#emitError(new V2xError('MQTT_PROTOCOL_ERROR', `${this.clientId}: ${detail}`));
    this.#socket?.destroy();
  }

  #failWaiters(cause?: V2xError): void {
    this.#subscriptions.failAll(cause ?? new V2xError('MQTT_SESSION_CLOSED', this.clientId));
  }
}
