/**
 * The typed channel of command transitions: the dashboard's socket.io bridge subscribes here.
 * One map of event names to payloads; listeners cannot be given the wrong shape.
 */
import type { Transition } from './types.js';

export interface CommandEventMap {
  /** Every lifecycle transition, in the order the service applied them. */
  transition: Transition;
}

type Listener<T> = (payload: T) => void;

export class TypedEmitter<M> {
  readonly #listeners = new Map<keyof M, Set<Listener<never>>>();

  on<K extends keyof M>(event: K, fn: Listener<M[K]>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(fn as Listener<never>);
    return () => this.off(event, fn);
  }

  off<K extends keyof M>(event: K, fn: Listener<M[K]>): void {
    this.#listeners.get(event)?.delete(fn as Listener<never>);
  }

  /** Calls every listener; one that throws does not stop the others. Returns the throws. */
  emit<K extends keyof M>(event: K, payload: M[K]): unknown[] {
    const errors: unknown[] = [];
    for (const fn of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (fn as Listener<M[K]>)(payload);
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }

  listenerCount<K extends keyof M>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}

export type CommandEvents = TypedEmitter<CommandEventMap>;

export function createCommandEvents(): CommandEvents {
  return new TypedEmitter<CommandEventMap>();
}
