/**
 * The publish pipeline of one session: the in-flight window (QoS 1/2 packets awaiting their acks),
 * the offline queue behind it, acknowledgement matching with PUBACK latency, and retransmission
 * after a reconnect. It writes through the `write` function its session gives it and counts into
 * the shared MqttStats; the session owns the connection and tells it when it may send.
 */
import { PUBREL, encodeAck, markDuplicate, publishQos, writePacketId } from './encode.js';
import { InflightKind, InflightTable } from './inflight.js';
import { PacketQueue } from './packet-queue.js';
import type { Clock } from '../core/clock.js';
import type { MqttStats } from './stats.js';
import { PublishResult, type QoS, type QueuePolicy } from './types.js';

export type Writer = (packet: Buffer) => void;

export interface OutboxOptions {
  /** Unacknowledged QoS 1/2 publishes at once. */
  readonly window: number;
  readonly maxQueued: number;
  readonly policy: QueuePolicy;
}

/** ack() result when the packet id is unknown (a duplicate ack) or the broker refused the publish. */
export const ACK_UNKNOWN = -1;
export const ACK_REJECTED = -2;

export class Outbox {
  readonly #inflight: InflightTable;
  readonly #queue: PacketQueue;
  readonly #window: number;
  readonly #policy: QueuePolicy;
  readonly #stats: MqttStats;
  readonly #clock: Pick<Clock, 'monotonic'>;
  #effectiveWindow: number;
  /** Who waits in whenIdle(). */
  #idleWaiters: (() => void)[] | undefined;

  constructor(options: OutboxOptions, stats: MqttStats, clock: Pick<Clock, 'monotonic'>) {
    this.#window = Math.max(1, options.window);
    this.#effectiveWindow = this.#window;
    this.#inflight = new InflightTable(this.#window + 2); // headroom for SUBSCRIBE / UNSUBSCRIBE
    this.#queue = new PacketQueue(options.maxQueued);
    this.#policy = options.policy;
    this.#stats = stats;
    this.#clock = clock;
  }

  get queued(): number {
    return this.#queue.length;
  }
  get inflight(): number {
    return this.#inflight.size;
  }

  /** Applies the broker's MQTT 5 receive maximum (never above our own window). */
  setReceiveMaximum(receiveMaximum: number | undefined): void {
    this.#effectiveWindow = receiveMaximum === undefined ? this.#window : Math.max(1, Math.min(this.#window, receiveMaximum));
  }

  /** Sends an encoded PUBLISH now when `online` and nothing waits before it; queues it otherwise. */
  offer(packet: Buffer, qos: QoS, online: boolean, write: Writer): PublishResult {
    if (online && this.#queue.length === 0 && (qos === 0 || this.#inflight.size < this.#effectiveWindow)) {
      this.#send(packet, qos, write);
      return PublishResult.SENT;
    }
    if (this.#policy === 'drop-newest' && this.#queue.full) {
      this.#stats.dropped++;
      return PublishResult.DROPPED;
    }
    if (this.#queue.pushDroppingOldest(packet)) this.#stats.dropped++;
    return PublishResult.QUEUED;
  }

  /** Sends queued publishes while the window has room. */
  flush(write: Writer): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const qos = publishQos(queue.peek()!);
      if (qos > 0 && this.#inflight.size >= this.#effectiveWindow) return;
      this.#send(queue.shift()!, qos, write);
    }
  }

  /**
   * A PUBACK (kind PUBACK) or PUBCOMP (kind PUBCOMP): frees the slot, counts it, records the
   * latency. Returns the latency in ms, ACK_UNKNOWN or ACK_REJECTED (MQTT 5 reason >= 0x80).
   */
  ack(id: number, kind: InflightKind, reason: number): number {
    const inflight = this.#inflight;
    const slot = inflight.find(id, kind);
    if (slot < 0) return ACK_UNKNOWN;
    const latencyMs = this.#clock.monotonic() - inflight.sentAt(slot);
    inflight.release(slot);
    if (this.#idleWaiters !== undefined && this.idle) this.settleIdleWaiters();
    if (reason >= 0x80) {
      this.#stats.rejected++;
      return ACK_REJECTED;
    }
    this.#stats.acked[kind === InflightKind.PUBACK ? 1 : 2]++;
    this.#stats.pubackLatencyUs.record(latencyMs * 1000);
    return latencyMs;
  }

  /** A PUBREC: answers PUBREL and waits for PUBCOMP. Returns ACK_REJECTED when the broker refused. */
  pubrec(id: number, reason: number, write: Writer): number {
    const slot = this.#inflight.find(id, InflightKind.PUBREC);
    if (slot >= 0 && reason >= 0x80) return this.ack(id, InflightKind.PUBREC, reason);
    const pubrel = encodeAck(PUBREL, id);
    if (slot >= 0) this.#inflight.transition(slot, InflightKind.PUBCOMP, pubrel);
    write(pubrel); // also for an unknown id: the broker must get its PUBREL to finish [MQTT-4.3.3]
    return 0;
  }

  /** Takes a packet id for a SUBSCRIBE / UNSUBSCRIBE; 0 when none is free. */
  reserve(kind: InflightKind): number {
    return this.#inflight.allocate(kind, undefined, this.#clock.monotonic());
  }

  /** Frees a SUBSCRIBE / UNSUBSCRIBE id; false when it was not in flight. */
  release(id: number, kind: InflightKind): boolean {
    const slot = this.#inflight.find(id, kind);
    if (slot < 0) return false;
    this.#inflight.release(slot);
    return true;
  }

  /** QoS 1/2 publishes (and QoS 2 releases) sent and not yet acknowledged. */
  get unacknowledged(): number {
    return this.#inflight.publishes();
  }

  /** True when nothing waits: no packet in flight, none queued. */
  get idle(): boolean {
    return this.#inflight.size === 0 && this.#queue.length === 0;
  }

  /** Resolves once nothing is in flight or queued (or settleIdleWaiters is called: the connection ended). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => (this.#idleWaiters ??= []).push(resolve));
  }

  settleIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    if (waiters === undefined) return;
    this.#idleWaiters = undefined;
    for (const w of waiters) w();
  }

  /**
   * After a reconnect: sends the unacknowledged publishes again, in their order (DUP when the broker
   * kept the session, as new publishes when it did not), PUBREL again when the session is kept.
   * SUBSCRIBE/UNSUBSCRIBE slots are freed; their ids are returned for the session to redo.
   * Counted as `retransmitted` only when the packet goes again as a duplicate (DUP set, or a PUBREL
   * the kept session waits for); a publish the broker's new session never saw is `republished`.
   */
  retransmit(sessionPresent: boolean, write: Writer): number[] {
    const inflight = this.#inflight;
    const now = this.#clock.monotonic();
    const freed: number[] = [];
    for (const slot of inflight.slotsInOrder()) {
      const kind = inflight.kind(slot);
      const packet = inflight.packet(slot);
      if (kind === InflightKind.PUBCOMP && !sessionPresent) {
        // PUBREC came, so the broker had the message; with its session gone there is nothing to release.
        this.ack(inflight.packetId(slot), InflightKind.PUBCOMP, 0);
        continue;
      }
      if (packet === undefined) {
        freed.push(inflight.packetId(slot));
        inflight.release(slot);
        continue;
      }
      if (sessionPresent && (kind === InflightKind.PUBACK || kind === InflightKind.PUBREC)) markDuplicate(packet);
      inflight.resent(slot, now);
      write(packet);
      if (sessionPresent) this.#stats.retransmitted++;
      else this.#stats.republished++;
    }
    return freed;
  }

  #send(packet: Buffer, qos: QoS, write: Writer): void {
    if (qos > 0) {
      const kind = qos === 1 ? InflightKind.PUBACK : InflightKind.PUBREC;
      writePacketId(packet, this.#inflight.allocate(kind, packet, this.#clock.monotonic()));
    }
    write(packet);
    this.#stats.sent[qos]++;
  }
}
