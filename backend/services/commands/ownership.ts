/**
 * The command service with several instances. Every instance follows the compacted command-status
 * topic live, so its book holds every command's latest snapshot (any instance answers GET, waitMs
 * and idempotency checks). The instance that owns a VIN's partition of command-results (the
 * service's results group, key VIN) owns that car's commands: it applies the car's results, runs
 * their TTL timers and (re)sends them; a create on another instance is stored and sent there, and
 * the owner takes the command up when its CREATED snapshot arrives. When partitions move, the new
 * owner resumes the pending commands of its new cars (the car drops a repeated commandId).
 */
import { partitionOfKey } from '../../kafka/partitioner.js';
import type { Admin, InRecord, KafkaClient } from '../../kafka/types.js';
import type { CommandBook } from './book.js';
import type { CommandSnapshot, Transition } from './types.js';
import { isTerminal, LIFECYCLE_STATES } from './types.js';

const rank = (s: CommandSnapshot): number => LIFECYCLE_STATES.indexOf(s.status);

/** Later in time, or at the same ms further along the lifecycle (or sent once more). */
function newer(s: CommandSnapshot, than: CommandSnapshot): boolean {
  if (s.updatedAt !== than.updatedAt) return s.updatedAt > than.updatedAt;
  return rank(s) > rank(than) || (rank(s) === rank(than) && s.sendCount > than.sendCount);
}

/** How long a car's result waits for its command's CREATED to be followed, and a keyed create for the follower to catch up. */
export const FOLLOW_WAIT_MS = 5_000;

export class Ownership {
  #owned = new Set<number>();
  #partitions: number;
  /** Waiters for commands not yet followed (a car's result can arrive before its CREATED is read here). */
  readonly #known = new Map<string, Set<() => void>>();

  /**
   * The admin client caughtUp() reads high watermarks with, opened on first use. The promise, not the
   * client, is kept: creates run side by side (fence actions of concurrent partitions), and keeping the
   * client once its connect resolved let every caller that came in meanwhile open one of its own, of
   * which close() closed only the last (the rest kept their Kafka sockets and the process alive).
   */
  #admin: Promise<Admin> | undefined;
  /** High-watermark reads in flight: close() waits for them before it closes the admin (a read after it would reconnect). */
  readonly #reading = new Set<Promise<unknown>>();
  #closed = false;

  /** `partitions`: the partition count of command-results; `status`: where caughtUp() reads the high watermarks. */
  constructor(
    partitions: number,
    private readonly status?: { readonly kafka: Pick<KafkaClient, 'admin'>; readonly topic: string },
  ) {
    this.#partitions = Math.max(1, partitions);
  }

  ownsVin(vin: string): boolean {
    return this.#owned.has(partitionOfKey(vin, this.#partitions));
  }

  /** The new assignment (every owned partition); returns the partitions gained and lost. */
  assign(partitions: readonly number[]): { added: number[]; revoked: number[] } {
    const next = new Set(partitions);
    const added = [...next].filter((p) => !this.#owned.has(p));
    const revoked = [...this.#owned].filter((p) => !next.has(p));
    this.#owned = next;
    return { added, revoked };
  }

  partitionOfVin(vin: string): number {
    return partitionOfKey(vin, this.#partitions);
  }

  get owned(): number[] {
    return [...this.#owned].sort((a, b) => a - b);
  }

  /**
   * A snapshot read from command-status: put into the book when it is news (not this instance's own
   * write coming back, not older than what the book has, never replacing a terminal state); the
   * transition to announce then.
   */
  follow(book: CommandBook, s: CommandSnapshot): Transition | undefined {
    const had = book.get(s.commandId);
    if (had !== undefined) {
      if (isTerminal(had.status)) return undefined;
      if (!newer(s, had)) return undefined;
    }
    book.put(s);
    const wake = this.#known.get(s.commandId);
    if (wake !== undefined) {
      this.#known.delete(s.commandId);
      for (const w of wake) w();
    }
    if (had !== undefined && had.status === s.status) return undefined;
    return { commandId: s.commandId, vin: s.vin, from: had?.status ?? null, to: s.status, at: s.updatedAt, snapshot: s };
  }

  /** The next offset to read per command-status partition (fed every record the follower reads). */
  readonly #next = new Map<number, number>();
  readonly #progress = new Set<() => void>();

  see(records: readonly InRecord[]): void {
    for (const r of records) this.#next.set(r.partition, Math.max(this.#next.get(r.partition) ?? 0, Number(r.offset) + 1));
    for (const wake of [...this.#progress]) wake();
  }

  /**
   * Resolves true once everything command-status held when called has been read here (a create
   * acknowledged by another instance is then in the book: idempotency keys hold across instances),
   * false after timeoutMs.
   */
  async caughtUp(timeoutMs: number): Promise<boolean> {
    if (this.status === undefined) return true;
    // closing: nothing new is opened (a create racing close() would leave an admin no one closes)
    if (this.#closed) return false;
    const admin = (this.#admin ??= this.status.kafka.admin());
    // a failed connect is not kept: the next call tries again
    admin.catch(() => {
      if (this.#admin === admin) this.#admin = undefined;
    });
    const topic = this.status.topic;
    const reading = admin.then((a) => a.topicOffsets(topic));
    this.#reading.add(reading);
    let highs: Awaited<typeof reading>;
    try {
      highs = await reading;
    } finally {
      this.#reading.delete(reading);
    }
    if (this.#closed) return false;
    const behind = (): boolean => highs.some((p) => (this.#next.get(p.partition) ?? 0) < p.high);
    if (!behind()) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.#progress.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.#closed) done(false);
        else if (!behind()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#progress.add(check);
    });
  }

  /** Resolves once the book knows the command, or after timeoutMs (false). */
  known(book: CommandBook, commandId: string, timeoutMs: number): Promise<boolean> {
    if (book.get(commandId) !== undefined) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let set = this.#known.get(commandId);
      if (set === undefined) this.#known.set(commandId, (set = new Set()));
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0) this.#known.delete(commandId);
        resolve(false);
      }, timeoutMs);
      set.add(wake);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const set of this.#known.values()) for (const w of set) w();
    this.#known.clear();
    for (const wake of [...this.#progress]) wake();
    // the reads under way end first, then the admin goes (also one still connecting: closed once connected)
    await Promise.allSettled([...this.#reading]);
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((a) => a.close()).catch(() => undefined);
  }
}

/** What the service hands ownerHooks: its book, timers and announcements. */
export interface OwnerHooksDeps {
  readonly book: CommandBook;
  readonly ownership: () => Ownership | undefined;
  cancelTimer(commandId: string): void;
  hasTimer(commandId: string): boolean;
  /** Arms the TTL timer (only for commands of owned cars). */
  arm(s: CommandSnapshot): void;
  /** Sends a pending command again when it needs it (resume). */
  resend(s: CommandSnapshot): void;
  announce(t: Transition): void;
  log(added: readonly number[], revoked: readonly number[], resumed: number): void;
}

export function ownerHooks(d: OwnerHooksDeps): {
  onFollowed(snapshot: CommandSnapshot): void;
  onAssign(partitions: readonly number[]): void;
} {
  return {
    /** A command-status record written by any instance, read after the rebuild. */
    onFollowed(snapshot) {
      const t = d.ownership()?.follow(d.book, snapshot);
      if (t === undefined) return;
      if (isTerminal(t.to)) d.cancelTimer(t.commandId);
      else if (!d.hasTimer(t.commandId)) d.arm(t.snapshot);
      d.announce(t);
    },
    /**
     * The results group's new assignment: the cars of the partitions gained are this instance's
     * now. Their pending commands get their TTL timers and are sent again when they need it
     * (the old owner may have died before producing them; the car drops a duplicate by commandId);
     * CREATED commands of the cars kept are sent again too (their creator may have died).
     */
    onAssign(partitions) {
      const own = d.ownership();
      if (own === undefined) return;
      const { added, revoked } = own.assign(partitions);
      const gained = new Set(added);
      const lost = new Set(revoked);
      let resumed = 0;
      for (const s of d.book.pending()) {
        const p = own.partitionOfVin(s.vin);
        if (lost.has(p)) d.cancelTimer(s.commandId);
        else if (gained.has(p)) {
          d.arm(s);
          resumed++;
          d.resend(s);
        } else if (s.status === 'CREATED' && own.ownsVin(s.vin)) {
          // created on an instance that may just have died before sending it: a rebalance follows
          // its death, so every owner sends its never-sent commands again (a live creator's send
          // and this one reach the car as one: it drops the repeated commandId)
          d.resend(s);
        }
      }
      d.log(added, revoked, resumed);
    },
  };
}
