/**
 * Reading a topic "to its end": the high watermarks are taken before consuming, and the reader is
 * caught up once every partition's records up to them have gone through the handler.
 */
import type { Admin, InRecord } from '../../kafka/types.js';

export interface CatchUp {
  /** Feed every consumed record through this. */
  see(records: readonly InRecord[]): void;
  /** Resolves once every partition has reached its start-time high watermark. */
  readonly done: Promise<void>;
}

export async function catchUp(admin: Admin, topic: string, timeoutMs = 30_000): Promise<CatchUp> {
  const remaining = new Map<number, number>();
  for (const p of await offsets(admin, topic, timeoutMs)) if (p.high > p.low) remaining.set(p.partition, p.high);
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => (resolve = r));
  if (remaining.size === 0) resolve();
  return {
    done,
    see(records) {
      if (remaining.size === 0) return;
      for (const r of records) {
        const high = remaining.get(r.partition);
        if (high !== undefined && Number(r.offset) + 1 >= high) remaining.delete(r.partition);
      }
      if (remaining.size === 0) resolve();
    },
  };
}

/** A topic created a moment ago may have no leader yet ("not the leader"): retry until the deadline. */
async function offsets(admin: Admin, topic: string, timeoutMs: number): ReturnType<Admin['topicOffsets']> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
    try {
      return await admin.topicOffsets(topic);
    } catch (err) {
      if (Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
