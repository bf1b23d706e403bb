/**
 * The brokers a session rotates through (SessionOptions.failover, the first being the transport's
 * own host and port): each reconnect after a lost or failed connection goes to the next one, for
 * clustered brokers that share sessions.
 */
import type { SessionOptions, TransportOptions } from './types.js';

export class Failover {
  readonly #options: SessionOptions;
  #index = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  /** The transport of the broker in turn, or the one broker. */
  get transport(): TransportOptions {
    const server = this.#options.failover?.[this.#index];
    const t = this.#options.transport;
    return server === undefined ? t : { ...t, host: server.host, port: server.port };
  }

  get hostPort(): string {
    const t = this.transport;
    return `${t.host}:${t.port}`;
  }

  /** Moves on to the next broker (no-op with one). */
  next(): void {
    const servers = this.#options.failover;
    if (servers !== undefined && servers.length > 1) this.#index = (this.#index + 1) % servers.length;
  }
}
