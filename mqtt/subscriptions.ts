/**
 * What a session subscribes to, remembered so that a reconnect without a kept session subscribes
 * again, and the promises of subscribe() calls waiting for their SUBACK (or for a connection).
 */
import { V2xError } from '../core/errors.js';
import { InflightKind } from './inflight.js';
import type { Outbox, Writer } from './outbox.js';
import { encodeSubscribe, encodeUnsubscribe } from './packets.js';
import type { ProtocolVersion, SessionState, Subscription } from './types.js';

/** The session's side of a subscribe() or unsubscribe() call. */
export interface SubscribeLink {
  readonly state: SessionState;
  readonly clientId: string;
  readonly outbox: Outbox;
  readonly version: ProtocolVersion;
  readonly write: Writer;
}

export interface SubscribeWaiter {
  resolve(codes: number[]): void;
  reject(err: V2xError): void;
}

export class Subscriptions {
  #list: Subscription[];
  #pending: Map<number, SubscribeWaiter[]> | undefined;
  #offline: SubscribeWaiter[] | undefined;
  /**
   * SUBSCRIBE packet ids waiting for their SUBACK. This and #pending exist only while something
   * waits: a fleet holds thousands of sessions that subscribe once per connection.
   */
  #inFlight: number[] | undefined;
  /** whenSubscribed() callbacks of this connection (dropped at the next connect). */
  #afterSubscribed: (() => void)[] = [];

  constructor(initial: readonly Subscription[]) {
    this.#list = [...initial];
  }

  get list(): readonly Subscription[] {
    return this.#list;
  }

  /** Remembers subscriptions (a topic given again replaces its QoS). */
  add(subs: readonly Subscription[]): void {
    for (const s of subs) {
      this.#list = this.#list.filter((x) => x.topic !== s.topic);
      this.#list.push(s);
    }
  }

  /** Forgets topics (they are not subscribed again on reconnect). */
  remove(topics: readonly string[]): void {
    this.#list = this.#list.filter((x) => !topics.includes(x.topic));
  }

  /** subscribe(): remembers the topics; SUBSCRIBE now when connected, else at the next connect. */
  subscribe(list: readonly Subscription[], link: SubscribeLink): Promise<number[]> {
    this.add(list);
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      if (link.state === 'closed') reject(new V2xError('MQTT_SESSION_CLOSED', link.clientId));
      else if (link.state !== 'connected' || !this.send(list, [waiter], link.outbox, link.version, link.write)) this.wait(waiter);
    });
  }

  /**
   * unsubscribe(): forgets the topics. Offline, they are only forgotten locally: a persistent
   * session keeps them on the broker until an unsubscribe while connected.
   */
  unsubscribe(list: readonly string[], link: SubscribeLink): Promise<void> {
    this.remove(list);
    if (link.state !== 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { resolve: () => resolve(), reject };
      if (!this.sendUnsubscribe(list, waiter, link.outbox, link.version, link.write)) resolve();
    });
  }

  /** Sends one UNSUBSCRIBE; false when no packet id is free. */
  sendUnsubscribe(topics: readonly string[], waiter: SubscribeWaiter, outbox: Outbox, version: ProtocolVersion, write: Writer): boolean {
    const id = outbox.reserve(InflightKind.UNSUBACK);
    if (id === 0) return false;
    (this.#pending ??= new Map()).set(id, [waiter]);
    write(encodeUnsubscribe(version, id, topics));
    return true;
  }

  /** An UNSUBACK: settles its waiter. */
  unsuback(id: number, outbox: Outbox): void {
    if (!outbox.release(id, InflightKind.UNSUBACK)) return;
    for (const w of this.#pending?.get(id) ?? []) w.resolve([]);
    this.#forget(id);
  }

  /** Holds a waiter until the next connect. */
  wait(waiter: SubscribeWaiter): void {
    (this.#offline ??= []).push(waiter);
  }

  /** Sends one SUBSCRIBE; false when no packet id is free (the caller waits for the next connect). */
  send(subs: readonly Subscription[], waiters: SubscribeWaiter[], outbox: Outbox, version: ProtocolVersion, write: Writer): boolean {
    const id = outbox.reserve(InflightKind.SUBACK);
    if (id === 0) return false;
    (this.#pending ??= new Map()).set(id, waiters);
    (this.#inFlight ??= []).push(id);
    write(encodeSubscribe(version, id, subs));
    return true;
  }

  /**
   * After CONNACK: SUBSCRIBEs lost with the old connection (`lostIds`) and subscribe() calls made
   * while offline are redone; without a kept session, everything is subscribed again.
   */
  connected(sessionPresent: boolean, lostIds: readonly number[], outbox: Outbox, version: ProtocolVersion, write: Writer): void {
    const waiters = this.#offline ?? [];
    this.#offline = undefined;
    this.#afterSubscribed = [];
    for (const id of lostIds) {
      this.#settled(id);
      for (const w of this.#pending?.get(id) ?? []) waiters.push(w);
      this.#forget(id);
    }
    if (this.#list.length > 0 && (!sessionPresent || waiters.length > 0)) {
      if (!this.send(this.#list, waiters, outbox, version, write)) for (const w of waiters) this.wait(w);
    }
  }

  /** A SUBACK: settles its waiters; returns the refusal when nobody waited for it. */
  suback(id: number, codes: number[], outbox: Outbox): V2xError | undefined {
    if (!outbox.release(id, InflightKind.SUBACK)) return undefined;
    const waiters = this.#pending?.get(id) ?? [];
    this.#forget(id);
    this.#settled(id);
    const err = codes.some((c) => c >= 0x80)
      ? new V2xError('MQTT_SUBSCRIBE_REFUSED', `codes ${codes.join(',')}`, { details: { codes } })
      : undefined;
    for (const w of waiters) {
      if (err === undefined) w.resolve(codes);
      else w.reject(err);
    }
    this.#runAfterSubscribed();
    return waiters.length === 0 ? err : undefined;
  }

  /**
   * Calls fn once no SUBSCRIBE of this connection waits for its SUBACK (at once when none does), so
   * that what the client then announces (a car's `online`) is only seen once the broker will route
   * its subscribed topics to it. Dropped when the connection ends first.
   */
  whenSubscribed(fn: () => void): void {
    if (this.#inFlight === undefined && this.#offline === undefined) fn();
    else this.#afterSubscribed.push(fn);
  }

  #runAfterSubscribed(): void {
    if (this.#inFlight !== undefined || this.#offline !== undefined || this.#afterSubscribed.length === 0) return;
    const list = this.#afterSubscribed;
    this.#afterSubscribed = [];
    for (const fn of list) fn();
  }

  /** Rejects every waiting subscribe() (the session closed or was refused). */
  failAll(err: V2xError): void {
    for (const w of this.#offline ?? []) w.reject(err);
    this.#offline = undefined;
    for (const list of this.#pending?.values() ?? []) for (const w of list) w.reject(err);
    this.#pending = undefined;
    this.#inFlight = undefined;
    this.#afterSubscribed = [];
  }

  /** Drops the waiters of a packet id (and the map once empty). */
  #forget(id: number): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    pending.delete(id);
    if (pending.size === 0) this.#pending = undefined;
  }

  /** A SUBSCRIBE id no longer waits for its SUBACK (the list goes once empty). */
  #settled(id: number): void {
    const ids = this.#inFlight;
    if (ids === undefined) return;
    const i = ids.indexOf(id);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) this.#inFlight = undefined;
  }
}
