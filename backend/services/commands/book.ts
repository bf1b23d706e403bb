/**
 * The service's in-memory state: every command by id, by VIN, by idempotency key; which cars are
 * known and online. Filled by the rebuild and by each step; never touches I/O.
 */
import { idempotencyIndexKey } from './idempotency.js';
import type { CommandSnapshot, LifecycleState } from './types.js';
import { isTerminal } from './types.js';

export class CommandBook {
  readonly #byId = new Map<string, CommandSnapshot>();
  readonly #byVin = new Map<string, Set<string>>();
  readonly #byKey = new Map<string, string>();
  /** true online, false offline; absent = never heard of (treated as online: send at once). */
  readonly #online = new Map<string, boolean>();
  /** When each car last came online (record time of its `online` status), ms. */
  readonly #onlineSince = new Map<string, number>();

  get(commandId: string): CommandSnapshot | undefined {
    return this.#byId.get(commandId);
  }

  put(s: CommandSnapshot): void {
    this.#byId.set(s.commandId, s);
    let ids = this.#byVin.get(s.vin);
    if (ids === undefined) {
      ids = new Set();
      this.#byVin.set(s.vin, ids);
    }
    ids.add(s.commandId);
    if (s.idempotencyKey !== undefined) this.#byKey.set(idempotencyIndexKey(s.principal, s.idempotencyKey), s.commandId);
  }

  byIdempotencyKey(principal: string, key: string): CommandSnapshot | undefined {
    const id = this.#byKey.get(idempotencyIndexKey(principal, key));
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** A car's commands, newest first, optionally of one status. */
  forVin(vin: string, status?: LifecycleState): CommandSnapshot[] {
    const out: CommandSnapshot[] = [];
    for (const id of this.#byVin.get(vin) ?? []) {
      const s = this.#byId.get(id);
      if (s !== undefined && (status === undefined || s.status === status)) out.push(s);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.commandId < b.commandId ? -1 : 1));
  }

  pending(): CommandSnapshot[] {
    return [...this.#byId.values()].filter((s) => !isTerminal(s.status));
  }

  setOnline(vin: string, online: boolean, at: number): void {
    this.#online.set(vin, online);
    if (online) this.#onlineSince.set(vin, at);
  }

  /** When the car last came online; 0 when never seen online. */
  onlineSince(vin: string): number {
    return this.#onlineSince.get(vin) ?? 0;
  }

  isOnline(vin: string): boolean {
    return this.#online.get(vin) ?? true;
  }

  /** Seen on the vehicle-status topic (or ever sent a command). */
  isKnown(vin: string): boolean {
    return this.#online.has(vin) || this.#byVin.has(vin);
  }

  get size(): number {
    return this.#byId.size;
  }
}
