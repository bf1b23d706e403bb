/**
 * The geofences topic as this instance's source of truth for fences. Every instance reads the
 * whole compacted topic through a consumer group of its own (fresh id, from the beginning), first
 * to the high watermarks taken at start (the rebuild: the service serves only after it), then live,
 * so a fence written through any instance reaches every instance in the topic's order. A REST
 * write waits for its own record to come back (expect(writeId)): read-your-writes, one order.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import { V2xError } from '../../../core/errors.js';
import type { Admin, Consumer, InRecord, KafkaClient } from '../../kafka/types.js';
import { catchUp } from '../commands/catch-up.js';
import { decodeFenceRecord, WRITE_ID_HEADER, type FenceChange } from './records.js';

export interface FenceLogDeps {
  readonly kafka: KafkaClient;
  readonly admin: Admin;
  readonly topic: string;
  readonly groupId: string;
  readonly clock: Clock;
  /** Applies one change (in topic order); outputs are produced before it resolves. */
  readonly apply: (change: FenceChange, record: InRecord) => Promise<void>;
}

export interface FenceLog {
  /** Resolves once the record written with this id has been applied here; KAFKA_UNAVAILABLE after timeoutMs. */
  expect(writeId: string, timeoutMs: number): { readonly applied: Promise<void>; cancel(): void };
  close(): Promise<void>;
}

/** Starts the fence consumer; resolves once every fence in the topic at start has been applied. */
export async function startFenceLog(deps: FenceLogDeps): Promise<FenceLog> {
  const waiters = new Map<string, { resolve: () => void; reject: (err: Error) => void; timer: TimerHandle }>();
  const caught = await catchUp(deps.admin, deps.topic);
  const consumer: Consumer = await deps.kafka.consumer({
    groupId: `${deps.groupId}-fences-${randomUUID()}`,
    topics: [deps.topic],
    fromBeginning: true,
  });
  await consumer.start(async (records) => {
    for (const r of records) {
      await deps.apply(decodeFenceRecord(r), r);
      const id = r.headers[WRITE_ID_HEADER];
      const w = id === undefined ? undefined : waiters.get(id);
      if (w !== undefined && id !== undefined) {
        waiters.delete(id);
        w.timer.cancel();
        w.resolve();
      }
    }
    caught.see(records);
  });
  try {
    await caught.done;
  } catch (err) {
    await consumer.close();
    throw err;
  }
  return {
    expect(writeId, timeoutMs) {
      let cancel = (): void => {};
      const applied = new Promise<void>((resolve, reject) => {
        const timer = deps.clock.setTimeout(() => {
          waiters.delete(writeId);
          reject(new V2xError('KAFKA_UNAVAILABLE', `the fence write was not read back from ${deps.topic} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(writeId, { resolve, reject, timer });
        cancel = () => {
          timer.cancel();
          waiters.delete(writeId);
        };
      });
      return { applied, cancel };
    },
    async close() {
      for (const w of waiters.values()) {
        w.timer.cancel();
        w.reject(new V2xError('NOT_READY', 'the geofencing service is closing'));
      }
      waiters.clear();
      await consumer.close();
    },
  };
}
