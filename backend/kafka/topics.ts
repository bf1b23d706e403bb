/**
 * The contract topics sized for scale-out (the `bridge.topics` config): partition counts, and the
 * replication a cluster of three or more brokers gives (replication factor 3, min.insync.replicas 2,
 * so one broker may die without losing an acknowledged record or stopping writes). 0 = chosen from
 * the cluster: replicas = min(3, brokers), min ISR = 2 when replicas >= 3, else the broker default.
 * The local 3-node cluster (`kafka.nodes` = 3) therefore gets RF 3 / min ISR 2 and a single broker
 * RF 1, with the same config. Topics that exist are left as they are (their size is the operator's).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { DeepReadonly } from '../../core/config/load.js';
import { V2xError } from '../../core/errors.js';
import { kafkaTopicSpecs, type TopicSizing } from '../../protocol/index.js';
import type { Admin } from './types.js';

export const topicsConfigSchema = Type.Object(
  {
    partitions: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 6,
      description: 'partitions of every keyed topic (the most instances of a service that share its work)',
    }),
    telemetryPartitions: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 12,
      description: 'partitions of telemetry and of the changelogs co-partitioned with it (geofencing-state)',
    }),
    replicationFactor: Type.Integer({
      minimum: 0,
      maximum: 7,
      default: 0,
      description: 'replicas of every topic; 0 = min(3, brokers in the cluster)',
    }),
    minInsyncReplicas: Type.Integer({
      minimum: 0,
      maximum: 7,
      default: 0,
      description: 'min.insync.replicas of every topic; 0 = 2 when replicated 3 times or more, else the broker default',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type TopicsConfig = DeepReadonly<Static<typeof topicsConfigSchema>>;

/** The defaults, for callers without a config (tests, tools). */
export const DEFAULT_TOPICS: TopicsConfig = Object.freeze({
  partitions: 6,
  telemetryPartitions: 12,
  replicationFactor: 0,
  minInsyncReplicas: 0,
});

/** The sizing for a cluster of `brokers` brokers; refuses a replication the cluster cannot hold. */
export function topicSizing(config: TopicsConfig, brokers: number): TopicSizing {
  const replicationFactor = config.replicationFactor > 0 ? config.replicationFactor : Math.max(1, Math.min(3, brokers));
  if (replicationFactor > brokers)
    throw new V2xError(
      'CONFIG_INVALID',
      `bridge.topics.replicationFactor ${replicationFactor} needs at least as many brokers (the cluster has ${brokers})`,
    );
  const minInsyncReplicas = config.minInsyncReplicas > 0 ? config.minInsyncReplicas : replicationFactor >= 3 ? 2 : 0;
  if (minInsyncReplicas > replicationFactor)
    throw new V2xError(
      'CONFIG_INVALID',
      `bridge.topics.minInsyncReplicas ${minInsyncReplicas} exceeds the replication factor ${replicationFactor}`,
    );
  return { partitions: config.partitions, telemetryPartitions: config.telemetryPartitions, replicationFactor, minInsyncReplicas };
}

/** Creates the contract topics that do not exist yet, sized for the cluster behind `admin`. */
export async function ensureContractTopics(admin: Admin, prefix: string, config: TopicsConfig = DEFAULT_TOPICS): Promise<TopicSizing> {
  const sizing = topicSizing(config, await admin.brokerCount());
  await admin.createTopics(kafkaTopicSpecs(prefix, sizing));
  return sizing;
}
