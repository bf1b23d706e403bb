/**
 * A consumer of a topic created a moment ago: the broker asked for its metadata may not know it yet
 * ("This server does not host this topic-partition", retriable) while the controller's news spreads,
 * so subscribing is retried on kafkajs's retriable errors for up to `timeoutMs`.
 */
import type { Consumer, ConsumerOptions, KafkaClient } from '../../kafka/types.js';

export async function consumerWhenReady(kafka: KafkaClient, options: ConsumerOptions, timeoutMs = 15_000): Promise<Consumer> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 100; ; wait = Math.min(1000, wait * 2)) {
    try {
      return await kafka.consumer(options);
    } catch (err) {
      if ((err as { retriable?: boolean }).retriable !== true || Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
