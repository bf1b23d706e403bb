/**
 * Long polling for GET /commands/:id?waitMs=N: callers wait for a command to reach a terminal
 * state without polling. One listener on the service's transition channel and a map from command
 * to its waiters, so a transition costs one lookup whatever the number of waiting requests.
 */
import type { CommandEvents } from './events.js';
import { isTerminal } from './types.js';

export class SettleWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #off: () => void;

  constructor(events: CommandEvents) {
    this.#off = events.on('transition', (t) => {
      if (!isTerminal(t.to)) return;
      const set = this.#waiting.get(t.commandId);
      if (set === undefined) return;
      this.#waiting.delete(t.commandId);
      for (const wake of set) wake();
    });
  }

  /**
   * Resolves true once the command reaches a terminal state (its records are in Kafka by then),
   * false when timeoutMs passes or the signal aborts (the client went away) first.
   */
  wait(commandId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      if (signal?.aborted) return resolve(false);
      let set = this.#waiting.get(commandId);
      if (set === undefined) this.#waiting.set(commandId, (set = new Set()));
      const done = (settled: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const s = this.#waiting.get(commandId);
        s?.delete(wake);
        if (s?.size === 0) this.#waiting.delete(commandId);
        resolve(settled);
      };
      const wake = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      set.add(wake);
    });
  }

  /** Requests waiting now (a gauge for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.#waiting.values()) n += s.size;
    return n;
  }

  /** Wakes every waiter (they answer with the current state) and stops listening. */
  close(): void {
    this.#off();
    const all = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const set of all) for (const wake of set) wake();
  }
}
