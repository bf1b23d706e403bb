/**
 * The consumer of the @platformatic/kafka adapter (platformatic-client.ts) behind the Consumer
 * boundary (types.ts): a group member whose message stream is read in batches, one batch per
 * partition handed to the handler in offset order, offsets committed only after the handler resolved.
 *
 * - Batches: what the stream delivered by the end of the current turn, grouped by partition; the
 *   stream is paused while the handler runs (at most concurrentPartitions partitions at once), so the
 *   library's buffer, not ours, holds what arrives meanwhile.
 * - A handler that throws gets the same batch again after a doubling wait (at-least-once); a failed
 *   onAssign restore fails the batch and runs again first, as a rejoin with kafkajs would.
 * - The library ends a stream on a failed fetch (Kafka away for longer than its retries) and emits
 *   'error' when a rejoin fails: the member is then closed and a new one joins after a doubling wait,
 *   from the committed offsets, for as long as close() was not called (kafkajs's restartOnFailure).
 * - Rebalances (rebalance.ts): the library rejoins by itself as soon as a heartbeat says the group
 *   rebalances, without waiting for the application, and after every join its stream starts again
 *   from the committed offsets. So, as kafkajs commits before it rejoins: on the library's
 *   'consumer:group:rebalance' event what was handled is committed at once (the request goes out
 *   before the rejoin, in the old generation) and no new batch is handed out until the new
 *   assignment; then records of partitions no longer assigned are dropped, and records below what
 *   this member already handled (the stream going back to a commit that had not landed) are skipped.
 * - close() stops handing out batches, waits for those in flight, commits them, then leaves.
 */
import { Consumer as PltConsumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message } from '@platformatic/kafka';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { backoffDelay } from './backoff.js';
import { partitionKey, Positions } from './rebalance.js';
import type { BatchHandler, Consumer, ConsumerOptions, Headers, InRecord } from './types.js';

const log = logger('kafka');
const RESTART = { minMs: 200, maxMs: 5000 } as const;
const JOIN_TIMEOUT_MS = 60_000;

/** The connection options of every client of the adapter (platformatic-client.ts). */
export interface PlatformaticBase {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
  readonly connectTimeout: number;
  readonly retries: number;
  readonly retryDelay: (client: unknown, operationId: string, attempt: number) => number;
}

type Member = PltConsumer<Buffer, Buffer, Buffer, Buffer>;
type Stream = Awaited<ReturnType<Member['consume']>>;

export async function createPlatformaticConsumer(base: PlatformaticBase, opts: ConsumerOptions): Promise<Consumer> {
  let closing = false;
  let member: Member | undefined;
  let stream: Stream | undefined;
  let handler: BatchHandler | undefined;
  let assigned: Promise<void> = Promise.resolve();
  let pending: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  let flushing: Promise<void> | undefined;
  /** Between the library's rebalance event and the new assignment: no batch is handed out. */
  let rebalancing = false;
  /** The partitions assigned and the offsets handled in each (rebalance.ts). */
  const positions = new Positions();
  let restarting = false;
  let restarts = 0;
  let wake: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  /** Runs onAssign for an assignment; batches wait for it, and a failed one is run again before the next batch. */
  let lastAssignment: ReadonlyMap<string, readonly number[]> | undefined;
  const restore = (assignment: ReadonlyMap<string, readonly number[]>): void => {
    if (opts.onAssign === undefined) return;
    lastAssignment = assignment;
    assigned = opts.onAssign(assignment);
    assigned.catch((err: unknown) => log.warn({ err, groupId: opts.groupId }, 'restoring the assigned partitions failed'));
  };

  const newMember = (): Member => {
    const m: Member = new PltConsumer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      groupId: opts.groupId,
      autocommit: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60_000,
      // A JoinGroup waits up to the rebalance timeout (for a member that died without leaving: its
      // session timeout). With the library's 30 s request timeout it timed out just before Kafka
      // answered and joined again as a new member, which the group then waited for in turn.
      requestTimeout: 65_000,
      // as the kafkajs adapter: a quiet topic's fetch waits 1 s at most unless the caller batches
      minBytes: opts.fetch?.minBytes ?? 1,
      maxWaitTime: opts.fetch?.maxWaitMs ?? 1000,
    });
    m.on('consumer:group:join', (payload: { assignments?: { topic: string; partitions: number[] }[] }) => {
      if (member !== m) return;
      const assignment = new Map((payload.assignments ?? []).map((a) => [a.topic, a.partitions] as const));
      positions.assign(payload.assignments === undefined ? undefined : assignment);
      restore(assignment);
      if (rebalancing) {
        rebalancing = false;
        // after the stream's own join listener (it goes back to the committed offsets first)
        setImmediate(() => {
          if (stream !== undefined && member === m && !closing) {
            stream.resume();
            if (pending.length > 0) flushing ??= flush(stream);
          }
        });
      }
    });
    // the library rejoins right after this event: commit what was handled while still in the old generation
    m.on('consumer:group:rebalance', () => {
      if (member !== m || closing) return;
      rebalancing = true;
      stream?.pause();
      void commitNow(m);
    });
    // a rejoin that failed for good: this member is done, a new one takes over
    m.on('error', (err: unknown) => restart(m, err));
    return m;
  };

  const join = async (): Promise<void> => {
    const m = newMember();
    member = m;
    try {
      const s = await m.consume({
        topics: [...opts.topics],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: opts.fromBeginning === true ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      });
      if (member !== m || closing) {
        await s.close().catch(() => undefined);
        return;
      }
      stream = s;
      s.on('data', (msg: Message<Buffer, Buffer, Buffer, Buffer>) => {
        pending.push(msg);
        flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => flush(s));
      });
      s.on('error', (err: unknown) => restart(m, err));
      s.on('close', () => {
        if (!closing && member === m) restart(m, new V2xError('KAFKA_UNAVAILABLE', 'the message stream ended'));
      });
    } catch (err) {
      await forceClose(m);
      throw err;
    }
  };

  const restart = (m: Member, err: unknown): void => {
    if (closing || member !== m || restarting) return;
    restarting = true;
    rebalancing = false;
    toCommit.clear();
    log.warn({ err, groupId: opts.groupId }, 'Kafka consumer failed; rejoining the group');
    member = undefined;
    const s = stream;
    stream = undefined;
    pending = [];
    void (async () => {
      await s?.close().catch(() => undefined);
      await forceClose(m);
      while (!closing) {
        await sleep(backoffDelay(restarts++, RESTART));
        if (closing) break;
        try {
          await join();
          restarts = 0;
          break;
        } catch (e) {
          log.warn({ err: e, groupId: opts.groupId }, 'Kafka consumer could not rejoin; trying again');
        }
      }
      restarting = false;
    })();
  };

  /**
   * Hands what the stream delivered to the handler, a batch per partition; commits each after it.
   * Records of partitions not assigned any more and records already handled here are left out.
   */
  const flush = async (s: Stream): Promise<void> => {
    s.pause();
    try {
      while (pending.length > 0 && stream === s && !closing && !rebalancing) {
        const messages = pending;
        pending = [];
        const byPartition = positions.batches(messages);
        const batches = [...byPartition.values()];
        const width = Math.max(1, opts.concurrentPartitions ?? 1);
        for (let i = 0; i < batches.length; i += width) {
          await Promise.all(batches.slice(i, i + width).map((b) => handleBatch(s, b)));
        }
      }
    } finally {
      flushing = undefined;
      const now = stream;
      if (now !== undefined && !closing && !rebalancing) {
        if (now === s) s.resume();
        else if (pending.length > 0) flushing = flush(now); // a new member's records arrived meanwhile
      }
    }
  };

  const handleBatch = async (s: Stream, batch: readonly Message<Buffer, Buffer, Buffer, Buffer>[]): Promise<void> => {
    const records = batch.map(toInRecord);
    let handled = false;
    for (let attempt = 0; stream === s && !closing; attempt++) {
      try {
        try {
          await assigned;
        } catch (err) {
          if (lastAssignment !== undefined) restore(lastAssignment); // as a rejoin would: the restore runs again
          throw err;
        }
        await handler!(records);
        handled = true;
        break;
      } catch (err) {
        const delay = backoffDelay(attempt, RESTART);
        log.warn(
          { err, groupId: opts.groupId, topic: batch[0]!.topic, partition: batch[0]!.partition, delay },
          'batch handler failed; retrying the batch',
        );
        await sleep(delay);
      }
    }
    // committed also while closing (close() sends it) and after the partition moved (the sooner its new owner
    // sees it the fewer records it handles again; everything below it was handled here), not after a restart
    if (!handled || stream !== s) return;
    const last = batch[batch.length - 1]!;
    const key = partitionKey(last.topic, last.partition);
    positions.handled(key, last.offset + 1n);
    toCommit.set(key, { topic: last.topic, partition: last.partition, offset: last.offset + 1n, leaderEpoch: -1 });
    if (committing === undefined && !closing) committing = commitLoop();
  };

  /** Sends one commit of everything handled and not committed yet, now (not after the request in flight). */
  const commitNow = (m: Member): Promise<void> => {
    const offsets = [...toCommit.values()];
    toCommit.clear();
    if (offsets.length === 0) return Promise.resolve();
    return m.commit({ offsets }).then(
      () => undefined,
      (err: unknown) => log.debug({ err, groupId: opts.groupId }, 'offset commit before a rebalance failed'),
    );
  };

  /**
   * Commits the handled offsets in the background, one request in flight with every partition's
   * latest, so the next fetch never waits for a commit round trip (what is handled but not yet
   * committed when a member dies is handed out again: at-least-once).
   */
  const toCommit = new Map<string, { topic: string; partition: number; offset: bigint; leaderEpoch: number }>();
  let committing: Promise<void> | undefined;
  const commitLoop = async (): Promise<void> => {
    while (toCommit.size > 0) {
      const offsets = [...toCommit.values()];
      toCommit.clear();
      const m = member;
      if (m === undefined) break;
      try {
        await m.commit({ offsets });
      } catch (err) {
        // a rebalance moved a partition: its new owner starts from the last commit (at-least-once)
        log.debug({ err, groupId: opts.groupId }, 'offset commit failed');
      }
    }
    committing = undefined;
  };

  return {
    async start(h: BatchHandler) {
      if (handler !== undefined) throw new V2xError('INTERNAL', 'consumer already started');
      handler = h;
      // a group's first join on a fresh Kafka waits for its coordinator (the offsets topic being
      // created): keep trying what the library calls retryable for up to JOIN_TIMEOUT_MS
      const deadline = Date.now() + JOIN_TIMEOUT_MS;
      for (let attempt = 0; ; attempt++) {
        try {
          await join();
          return;
        } catch (err) {
          if (closing || !platformaticRetriable(err) || Date.now() > deadline) throw err;
          log.debug({ err, groupId: opts.groupId }, 'joining the group failed; trying again');
          await sleep(backoffDelay(attempt, RESTART));
        }
      }
    },
    async close() {
      closing = true;
      wake?.();
      // no new batch; the ones in flight end (a failing one is not retried), then what was handled is
      // committed before the member leaves
      await flushing;
      await committing;
      const m = member;
      if (m !== undefined) await commitNow(m);
      const s = stream;
      stream = undefined;
      member = undefined;
      await s?.close().catch(() => undefined);
      await m?.close().catch(() => forceClose(m));
    },
  };
}

/** The library's own rule: retryable unless an error in the chain says canRetry=false. */
export function platformaticRetriable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return true;
    seen.add(e);
    const x = e as { canRetry?: unknown; code?: unknown; errors?: unknown; cause?: unknown };
    if (x.canRetry === false || x.code === 'PLT_KFK_USER') return false;
    if (Array.isArray(x.errors) && !x.errors.every(walk)) return false;
    return walk(x.cause);
  };
  return walk(err);
}

/** Closes a client at once, not waiting for what it has in flight; never rejects. */
export function forceClose(client: { close(force: boolean, callback: (err?: Error | null) => void): void }): Promise<void> {
  return new Promise((resolve) => client.close(true, () => resolve()));
}

function toInRecord(m: Message<Buffer, Buffer, Buffer, Buffer>): InRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of m.headers) headers[k.toString()] = v === null || v === undefined ? '' : v.toString();
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset.toString(),
    key: m.key === null || m.key === undefined ? null : m.key.toString('utf8'),
    value: m.value ?? null,
    headers: headers satisfies Headers,
    timestamp: Number(m.timestamp),
  };
}
