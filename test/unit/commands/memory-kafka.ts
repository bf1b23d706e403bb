/**
 * An in-memory stand-in for the Kafka boundary, for unit tests of the command service's shell only
 * (the integration tests use the real Kafka). One partition per topic; consumers get the log from
 * the beginning when asked, then every append.
 */
import type {
  Admin,
  BatchHandler,
  Consumer,
  ConsumerOptions,
  InRecord,
  KafkaClient,
  OutRecord,
  Producer,
} from '../../../backend/kafka/types.js';

export class MemoryKafka implements KafkaClient {
  readonly brokers = ['memory:0'];
  readonly logs = new Map<string, InRecord[]>();
  readonly #subs = new Set<{ topics: readonly string[]; handler: BatchHandler }>();
  now: () => number = () => 0;

  log(topic: string): InRecord[] {
    let l = this.logs.get(topic);
    if (l === undefined) {
      l = [];
      this.logs.set(topic, l);
    }
    return l;
  }

  async append(records: readonly OutRecord[]): Promise<void> {
    for (const r of records) {
      const l = this.log(r.topic);
      const rec: InRecord = {
        topic: r.topic,
        partition: 0,
        offset: String(l.length),
        key: r.key,
        value: r.value === null ? null : Buffer.from(r.value),
        headers: r.headers ?? {},
        timestamp: r.timestamp ?? this.now(),
      };
      l.push(rec);
      for (const s of this.#subs) if (s.topics.includes(r.topic)) await s.handler([rec]);
    }
  }

  async producer(): Promise<Producer> {
    return { send: (records) => this.append(records), close: async () => {} };
  }

  async consumer(options: Pick<ConsumerOptions, 'topics' | 'fromBeginning' | 'onAssign'>): Promise<Consumer> {
    let sub: { topics: readonly string[]; handler: BatchHandler } | undefined;
    return {
      start: async (handler) => {
        // the only member of its group: partition 0 of every topic
        await options.onAssign?.(new Map(options.topics.map((t) => [t, [0]])));
        sub = { topics: options.topics, handler };
        if (options.fromBeginning) for (const t of options.topics) if (this.log(t).length) await handler([...this.log(t)]);
        this.#subs.add(sub);
      },
      close: async () => {
        if (sub) this.#subs.delete(sub);
      },
    };
  }

  async admin(): Promise<Admin> {
    return {
      createTopics: async () => {},
      listTopics: async () => [...this.logs.keys()],
      brokerCount: async () => 1,
      topicOffsets: async (topic) => [{ partition: 0, low: 0, high: this.log(topic).length }],
      deleteTopics: async () => {},
      close: async () => {},
    };
  }
}
