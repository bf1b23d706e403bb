/**
 * The traffic role's second stage (decision 0033): the repartition topic in, through a consumer
 * group whose members each own whole partitions (whole corridors), one TrafficService per partition
 * (segment-tasks.ts) restored by a bounded replay on assignment. Its outputs: jam events, predicted
 * jams and segment status (stepOutputs), and the warning targets every instance's first stage reads.
 *
 * Stale writes: a batch records the assignment generation it started under and drops its outputs
 * if, when they are ready, the partition was revoked meanwhile (counted in
 * v2x_traffic_stale_writes_dropped_total). Kafka itself fences the offsets of a member that left the
 * group (a commit with an old generation is refused); an instance paused past its session timeout
 * that has not yet heard of the rebalance can still write one batch's outputs, which carry
 * deterministic ids (jam id, type, step time) so consumers drop them as repeats.
 */
import { Counter, type Registry } from 'prom-client';
import type { Clock } from '../../../core/clock.js';
import { logger } from '../../../core/log.js';
import type { RoadNetwork } from '../../../road/network.js';
import type { KafkaWriter } from '../../kafka/writer.js';
import { kafkaChangelogReader } from '../../kafka/state-store.js';
import { BULK_FETCH, type KafkaClient, type OutRecord } from '../../kafka/types.js';
import { SegmentTasks, type TaskAssignment } from './segment-tasks.js';
import type { StepResult, TrafficService } from './service.js';
import { warningTargets } from './warn-fanout.js';
import { consumerWhenReady } from './consumer-ready.js';

const log = logger('traffic');

export interface SegmentStageOptions {
  readonly kafka: KafkaClient;
  readonly writer: KafkaWriter;
  readonly network: RoadNetwork;
  readonly groupId: string;
  readonly repartitionTopic: string;
  readonly targetsTopic: string;
  readonly newService: () => TrafficService;
  readonly idleAdvanceMs: number;
  readonly stepMs: number;
  readonly clock: Clock;
  readonly registry: Registry;
  /** The Kafka records and side effects (realtime, history, metrics) of the steps; called in step order. */
  readonly outputs: (results: readonly StepResult[]) => OutRecord[];
}

export interface SegmentStage {
  readonly tasks: SegmentTasks;
  /** The latest assignment: partitions added and revoked, replay records and time (health, tests). */
  lastAssignment(): TaskAssignment | undefined;
  close(): Promise<void>;
}

export async function startSegmentStage(o: SegmentStageOptions): Promise<SegmentStage> {
  const m = {
    stale: new Counter({
      name: 'v2x_traffic_stale_writes_dropped_total',
      help: 'step outputs dropped because their partition was revoked before they were written',
      registers: [o.registry],
    }),
    restored: new Counter({
      name: 'v2x_traffic_restore_records_total',
      help: 'repartition records replayed to restore partitions',
      registers: [o.registry],
    }),
    skipped: new Counter({
      name: 'v2x_traffic_redelivered_skipped_total',
      help: 'redelivered repartition records already applied',
      registers: [o.registry],
    }),
  };
  const tasks = new SegmentTasks({
    newService: o.newService,
    reader: kafkaChangelogReader(o.kafka, o.repartitionTopic, o.groupId),
    wall: () => o.clock.monotonic(),
  });
  const publish = async (partition: number, results: readonly StepResult[], generation: number): Promise<void> => {
    if (results.length === 0) return;
    const records = o.outputs(results);
    for (const r of results)
      for (const t of warningTargets(o.network, r)) records.push({ topic: o.targetsTopic, key: t.segmentId, value: JSON.stringify(t) });
    if (records.length === 0) return;
    await o.writer.capacity();
    if (generation !== tasks.generation && !tasks.owns(partition)) {
      m.stale.inc(records.length);
      log.warn({ partition, records: records.length }, 'partition revoked before its outputs were written: dropped');
      return;
    }
    await o.writer.appendAll(records);
  };
  let last: TaskAssignment | undefined;
  // one at a time: batches and the idle clock share the tasks
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => (chain = chain.then(fn, fn));
  const consumer = await consumerWhenReady(o.kafka, {
    groupId: o.groupId,
    topics: [o.repartitionTopic],
    // an internal topic: a new group reads all the first stage wrote (its retention is the bound)
    fromBeginning: true,
    fetch: BULK_FETCH,
    // in the chain: two joins in quick succession must not restore the same partitions at once
    onAssign: (assignment) =>
      serial(async () => {
        const a = await tasks.assign(assignment.get(o.repartitionTopic) ?? []);
        last = a;
        m.restored.inc(a.recordsRead);
        log.info(
          { added: a.added, revoked: a.revoked, recordsRead: a.recordsRead, ms: Math.round(a.ms) },
          'traffic partitions assigned; restored by replay',
        );
      }),
  });
  await consumer.start((records) =>
    serial(async () => {
      const generation = tasks.generation;
      const b = tasks.handle(records);
      if (b === undefined) return;
      m.skipped.inc(b.skipped);
      if (b.replayed > 0) log.info({ partition: b.partition, replayed: b.replayed }, 'restored fixes applied up to the committed offset');
      await publish(b.partition, b.results, generation);
    }),
  );
  const idle =
    o.idleAdvanceMs > 0
      ? o.clock.setInterval(() => {
          void serial(async () => {
            const generation = tasks.generation;
            for (const x of tasks.idle(o.idleAdvanceMs)) await publish(x.partition, x.results, generation);
          }).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'idle advance failed'));
        }, o.stepMs)
      : undefined;
  return {
    tasks,
    lastAssignment: () => last,
    async close() {
      idle?.cancel();
      await consumer.close();
      await chain.catch(() => undefined);
    },
  };
}
