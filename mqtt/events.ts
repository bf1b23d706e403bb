/**
 * The typed event channel of sessions. A session calls methods of one `SessionEvents` object, which
 * a pool shares between all its sessions (no listener arrays or closures per car). For code that
 * prefers listeners, `SessionEmitter` implements SessionEvents and dispatches to typed listeners,
 * with `next(event, filter)` to await one event (tests, tools).
 */
import type { V2xError } from '../core/errors.js';
import type { IncomingMessage } from './types.js';
import type { MqttSession } from './session.js';

export type DisconnectReason =
  /** close() was called. */
  | 'client'
  /** The socket closed or failed. */
  | 'connection-lost'
  | 'keepalive-timeout'
  /** The broker sent DISCONNECT (MQTT 5). */
  | 'server-disconnect'
  | 'protocol-error';

export interface SessionEvents<Tag = unknown> {
  connected?(session: MqttSession<Tag>, sessionPresent: boolean): void;
  disconnected?(session: MqttSession<Tag>, reason: DisconnectReason): void;
  /** A QoS 1 PUBACK or QoS 2 PUBCOMP, with the time since the PUBLISH was written. */
  puback?(session: MqttSession<Tag>, latencyMs: number, qos: 1 | 2): void;
  /** Return a promise to hold a QoS 1 message's PUBACK until it resolves (no PUBACK if it rejects). */
  message?(session: MqttSession<Tag>, message: IncomingMessage): void | Promise<void>;
  error?(session: MqttSession<Tag>, error: V2xError): void;
}

export type SessionEventName = keyof SessionEvents;
type Args<Tag, K extends SessionEventName> = Parameters<NonNullable<SessionEvents<Tag>[K]>>;
type Listener<Tag, K extends SessionEventName> = (...args: Args<Tag, K>) => void;

export class SessionEmitter<Tag = unknown> implements Required<SessionEvents<Tag>> {
  readonly #listeners: { [K in SessionEventName]?: Listener<Tag, K>[] } = {};

  // Listener arrays are replaced, never changed in place, so emitting needs no copy.
  on<K extends SessionEventName>(event: K, listener: Listener<Tag, K>): this {
    const list = (this.#listeners[event] ?? []) as Listener<Tag, K>[];
    (this.#listeners as Record<K, Listener<Tag, K>[]>)[event] = [...list, listener];
    return this;
  }

  off<K extends SessionEventName>(event: K, listener: Listener<Tag, K>): this {
    const list = this.#listeners[event] as Listener<Tag, K>[] | undefined;
    if (list !== undefined) (this.#listeners as Record<K, Listener<Tag, K>[]>)[event] = list.filter((l) => l !== listener);
    return this;
  }

  /** Resolves with the arguments of the next `event` that passes `filter`. */
  next<K extends SessionEventName>(event: K, filter?: (...args: Args<Tag, K>) => boolean): Promise<Args<Tag, K>> {
    return new Promise((resolve) => {
      const listener: Listener<Tag, K> = (...args) => {
        if (filter !== undefined && !filter(...args)) return;
        this.off(event, listener);
        resolve(args);
      };
      this.on(event, listener);
    });
  }

  #emit<K extends SessionEventName>(event: K, args: Args<Tag, K>): void {
    const list = this.#listeners[event] as Listener<Tag, K>[] | undefined;
    if (list === undefined) return;
    for (const l of list) l(...args);
  }

  connected(session: MqttSession<Tag>, sessionPresent: boolean): void {
    this.#emit('connected', [session, sessionPresent]);
  }
  disconnected(session: MqttSession<Tag>, reason: DisconnectReason): void {
    this.#emit('disconnected', [session, reason]);
  }
  puback(session: MqttSession<Tag>, latencyMs: number, qos: 1 | 2): void {
    this.#emit('puback', [session, latencyMs, qos]);
  }
  message(session: MqttSession<Tag>, message: IncomingMessage): void {
    this.#emit('message', [session, message]);
  }
  error(session: MqttSession<Tag>, error: V2xError): void {
    this.#emit('error', [session, error]);
  }
}
