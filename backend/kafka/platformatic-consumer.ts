/**
 * The consumer of the @platformatic/kafka adapter (platformatic-client.ts) behind the Consumer
 * boundary (types.ts): a group member whose message stream is read in batches, one batch per
 * partition handed to the handler in offset order, offsets committed only after the handler resolved.
 *
 * - Batches: what the stream delivered by the end of the current turn, grouped by partition; the
 *   stream is paused while the handler runs (at most concurrentPartitions partitions at once), so the
 *   library's buffer, not ours, holds what arrives meanwhile.
 * - A handler that throws gets the same batch again after a doubling wait (at-least-once).
 * - The library ends a stream on a failed fetch (Kafka away for longer than its retries) and emits
 *   'error' when a rejoin fails: the member is then closed and a new one joins after a doubling wait,
 *   from the committed offsets, for as long as close() was not called (kafkajs's restartOnFailure).
 */
import { Consumer as PltConsumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message } from '@platformatic/kafka';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import { backoffDelay } from './backoff.js';
import type { BatchHandler, Consumer, ConsumerOptions, Headers, InRecord } from './types.js';

const log = logger('kafka');
const RESTART = { minMs: 200, maxMs: 5000 } as const;

/** The connection options of every client of the adapter (platformatic-client.ts). */
export interface PlatformaticBase {
  readonly clientId: string;
  readonly bootstrapBrokers: string[];
  readonly connectTimeout: number;
  readonly retries: number;
  readonly retryDelay: number;
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
  let flushing = false;
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

  const newMember = (): Member => {
    const m: Member = new PltConsumer<Buffer, Buffer, Buffer, Buffer>({
      ...base,
      groupId: opts.groupId,
      autocommit: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60_000,
      // as the kafkajs adapter: a quiet topic's fetch waits 1 s at most unless the caller batches
      minBytes: opts.fetch?.minBytes ?? 1,
      maxWaitTime: opts.fetch?.maxWaitMs ?? 1000,
    });
    const onAssign = opts.onAssign;
    m.on('consumer:group:join', (payload: { assignments?: { topic: string; partitions: number[] }[] }) => {
      if (onAssign === undefined) return;
      const assignment = new Map((payload.assignments ?? []).map((a) => [a.topic, a.partitions] as const));
      assigned = onAssign(assignment);
      assigned.catch((err: unknown) => log.warn({ err, groupId: opts.groupId }, 'restoring the assigned partitions failed'));
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
        if (!flushing) {
          flushing = true;
          setImmediate(() => void flush(s));
        }
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

  /** Hands what the stream delivered to the handler, a batch per partition; commits each after it. */
  const flush = async (s: Stream): Promise<void> => {
    s.pause();
    try {
      while (pending.length > 0 && stream === s && !closing) {
        const messages = pending;
        pending = [];
        const byPartition = new Map<string, Message<Buffer, Buffer, Buffer, Buffer>[]>();
        for (const m of messages) {
          const k = `${m.topic}\0${m.partition}`;
          const list = byPartition.get(k);
          if (list === undefined) byPartition.set(k, [m]);
          else list.push(m);
        }
        const batches = [...byPartition.values()];
        const width = Math.max(1, opts.concurrentPartitions ?? 1);
        for (let i = 0; i < batches.length; i += width) {
          await Promise.all(batches.slice(i, i + width).map((b) => handleBatch(s, b)));
        }
      }
    } finally {
      flushing = false;
      if (stream === s && !closing) s.resume();
    }
  };

  const handleBatch = async (s: Stream, batch: readonly Message<Buffer, Buffer, Buffer, Buffer>[]): Promise<void> => {
    const records = batch.map(toInRecord);
    for (let attempt = 0; stream === s && !closing; attempt++) {
      try {
        await assigned;
        await handler!(records);
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
    if (stream !== s || closing) return;
    const last = batch[batch.length - 1]!;
    try {
      await member?.commit({ offsets: [{ topic: last.topic, partition: last.partition, offset: last.offset + 1n, leaderEpoch: -1 }] });
    } catch (err) {
      // a rebalance moved the partition: its new owner starts from the last commit (at-least-once)
      log.debug({ err, groupId: opts.groupId }, 'offset commit failed');
    }
  };

  return {
    async start(h: BatchHandler) {
      if (handler !== undefined) throw new V2xError('INTERNAL', 'consumer already started');
      handler = h;
      await join();
    },
    async close() {
      closing = true;
      wake?.();
      const s = stream;
      const m = member;
      stream = undefined;
      member = undefined;
      await s?.close().catch(() => undefined);
      await m?.close().catch(() => forceClose(m));
    },
  };
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
