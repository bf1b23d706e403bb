/**
 * The `traffic` backend role, partitioned by road (issue 15, decision 0033), in two stages:
 *  1. telemetry in (consumer group `traffic.groupId`, keyed by VIN): each fix is map-matched here and
 *     written to the repartition topic `<prefix><groupId>-fixes-repartition`, keyed by its segment's
 *     corridor (the segments of one road, which jams merge along: corridors.ts) (match-stage.ts);
 *  2. the repartition topic in (group `<groupId>-segments`): each instance owns whole partitions, so
 *     whole roads, with one TrafficService per partition restored on assignment by a bounded replay
 *     of the topic (retention `traffic.replayMs`) (segment-stage.ts, segment-tasks.ts).
 * Outputs:
 *  - topic `jams`, key = jam id: jam events ({type: jam_started|jam_updated|jam_cleared, atMs, jam},
 *    id `jam-<head segment>-<start ms>`, header v2x-event-id `<jam id>/<type>/<atMs>`);
 *  - topic `traffic`, key = segment id: predicted jams ({type: 'jam_predicted', atMs, segmentId,
 *    expectedMs, jamId?}) and every `segmentsEverySteps` steps each segment's status with its
 *    forecasts ({type: 'segment', ...}, see service.ts);
 *  - topic `<prefix><groupId>-warning-targets`: new jams' tails and predicted segments, read by every
 *    instance's first stage, which writes topic `warnings` (key = VIN) for its own cars upstream;
 *  - realtime 'jam' and 'segments' (this instance's roads); REST GET /api/v1/jams and
 *    /api/v1/traffic/segments; metrics.
 * Records are written before the input offsets are committed (at-least-once).
 */
import { Counter, Gauge } from 'prom-client';
import { systemClock, type Clock } from '../../../core/clock.js';
import { V2xError } from '../../../core/errors.js';
import { logger } from '../../../core/log.js';
import { encode, kafkaTopicName } from '../../../protocol/index.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { API_V1 } from '../../api/route.js';
import { plugin } from '../../http.js';
import type { OutRecord } from '../../kafka/types.js';
import { serviceWriter } from '../../kafka/service-writer.js';
import { ensureContractTopics } from '../../kafka/topics.js';
import type { JamEventMsg, JamMsg } from '../../dashboard/hub/events.js';
import type { RoleContext, ServiceRole, StartedRole } from '../../roles.js';
import { trafficRoutes } from './routes.js';
import { corridors } from './corridors.js';
import { detectorOptionsFor } from './config.js';
import { startMatchStage } from './match-stage.js';
import { repartitionTopic, targetsTopic } from './repartition.js';
import { startSegmentStage, type SegmentStage } from './segment-stage.js';
import { JamHistory } from './jam-history.js';
import { TrafficService, type StepResult } from './service.js';
import type { Jam } from './types.js';

const log = logger('traffic');

export function jamMsg(j: Jam): JamMsg {
  return {
    id: j.id,
    segments: j.segments,
    lengthM: j.lengthM,
    growthMPerMin: j.growthMPerMin,
    maxJamFactor: j.maxJamFactor,
    startedMs: j.startedMs,
    updatedMs: j.updatedMs,
  };
}

/** The Kafka records and realtime messages of one step (pure). */
export function stepOutputs(
  step: StepResult,
  topicPrefix: string,
  withSegments: boolean,
): { records: OutRecord[]; jamMsgs: JamEventMsg[] } {
  const traffic = kafkaTopicName('traffic', topicPrefix);
  const jams = kafkaTopicName('jams', topicPrefix);
  const records: OutRecord[] = [];
  const jamMsgs: JamEventMsg[] = [];
  for (const e of step.events) {
    const m: JamEventMsg = { type: e.type, atMs: e.atMs, jam: jamMsg(e.jam) };
    jamMsgs.push(m);
    // the event's deterministic id: a step repeated after a failover gives the same one (consumers drop repeats)
    const headers = { 'v2x-event-id': `${e.jam.id}/${e.type}/${e.atMs}` };
    records.push({ topic: jams, key: e.jam.id, value: JSON.stringify(m), timestamp: e.atMs, headers });
  }
  for (const p of step.predicted) {
    const m: JamEventMsg = {
      type: 'jam_predicted',
      atMs: p.atMs,
      segmentId: p.segmentId,
      expectedMs: p.expectedMs,
      ...(p.jamId === undefined ? {} : { jamId: p.jamId }),
    };
    jamMsgs.push(m);
    records.push({ topic: traffic, key: p.segmentId, value: JSON.stringify(m), timestamp: p.atMs });
  }
  if (withSegments) {
    for (const s of step.segments) records.push({ topic: traffic, key: s.segmentId, value: JSON.stringify(s), timestamp: s.atMs });
  }
  const warnings = kafkaTopicName('warnings', topicPrefix);
  for (const w of step.carWarnings) records.push({ topic: warnings, key: w.vin, value: encode('warning', w), timestamp: w.issuedAt });
  return { records, jamMsgs };
}

type Sections = 'traffic' | 'bridge' | 'api';

/** Creates the role's internal topics (repartition, warning targets) sized like the contract topics. */
async function ensureInternalTopics(ctx: RoleContext<Sections>, repartition: string, targets: string): Promise<void> {
  const admin = await ctx.kafka.admin();
  try {
    const sizing = await ensureContractTopics(admin, ctx.config.bridge.topicPrefix, ctx.config.bridge.topics);
    const common: Record<string, string> = { 'cleanup.policy': 'delete' };
    if (sizing.minInsyncReplicas > 0) common['min.insync.replicas'] = String(sizing.minInsyncReplicas);
    const replayMs = ctx.config.traffic.replayMs;
    await admin.createTopics([
      {
        name: repartition,
        partitions: sizing.partitions,
        replicationFactor: sizing.replicationFactor,
        // segments roll every minute so the retention (the replay bound) is kept to about a minute
        config: { ...common, 'retention.ms': String(replayMs), 'segment.ms': String(Math.min(replayMs, 60_000)) },
      },
      {
        name: targets,
        partitions: 1,
        replicationFactor: sizing.replicationFactor,
        config: { ...common, 'retention.ms': String(3_600_000) },
      },
    ]);
  } finally {
    await admin.close();
  }
}

export function createTrafficRole(clock: Clock = systemClock): ServiceRole<Sections> {
  return {
    name: 'traffic',
    sections: ['traffic', 'bridge', 'api'],
    async start(ctx: RoleContext<Sections>): Promise<StartedRole> {
      const { config } = ctx;
      const tc = config.traffic;
      const network = ctx.network();
      const index = new SegmentIndex(network);
      const roads = corridors(network);
      const newService = (): TrafficService =>
        new TrafficService(index, {
          stepMs: tc.stepMs,
          latenessMs: tc.latenessMs,
          warningDistanceM: tc.warningDistanceM,
          warningTtlSeconds: tc.warningTtlSeconds,
          timeBound: { now: () => clock.now(), maxAheadMs: config.bridge.maxClockSkewMs },
          detector: detectorOptionsFor(tc),
        });
      const prefix = config.bridge.topicPrefix;
      const groupId = `${prefix}${tc.groupId}`;
      const repartition = repartitionTopic(prefix, tc.groupId);
      const targets = targetsTopic(prefix, tc.groupId);
      const reg = ctx.metrics.registry;
      const m = {
        fixes: new Counter({
          name: 'v2x_traffic_fixes_total',
          help: 'telemetry fixes read, by result',
          labelNames: ['result'],
          registers: [reg],
        }),
        events: new Counter({
          name: 'v2x_traffic_jam_events_total',
          help: 'jam events and predictions, by type',
          labelNames: ['type'],
          registers: [reg],
        }),
        warnings: new Counter({ name: 'v2x_traffic_car_warnings_total', help: 'warnings written for cars', registers: [reg] }),
        jams: new Gauge({ name: 'v2x_traffic_live_jams', help: "jams now (on this instance's roads)", registers: [reg] }),
        segments: new Gauge({ name: 'v2x_traffic_segments_observed', help: 'segments with cars in the last window', registers: [reg] }),
      };
      await ensureInternalTopics(ctx, repartition, targets);
      const producer = await ctx.kafka.producer({ acksAll: true });
      // the one Kafka write path (decision 0023): retried with backoff while Kafka is away, a record
      // Kafka refuses for good dead-lettered; the consumers wait while it is full
      const writer = serviceWriter(producer, {
        name: 'traffic',
        topicPrefix: prefix,
        clock,
        maxBatchRecords: 5000,
        maxBufferedRecords: 20_000,
      });
      const history = new JamHistory();
      let steps = 0;
      let segmentStage: SegmentStage | undefined;
      const outputs = (results: readonly StepResult[]): OutRecord[] => {
        const records: OutRecord[] = [];
        for (const r of results) {
          steps++;
          // by record time, so one instance and several write the same steps' segment records
          const out = stepOutputs(r, prefix, Math.floor(r.atMs / tc.stepMs) % tc.segmentsEverySteps === 0);
          records.push(...out.records);
          for (const j of out.jamMsgs) {
            history.add(j);
            m.events.inc({ type: j.type });
            ctx.realtime.emit('jam', j);
          }
        }
        const tasks = segmentStage?.tasks;
        if (tasks !== undefined) {
          m.jams.set(tasks.stats().jams);
          const frame = tasks.segmentsFrame();
          m.segments.set(frame.segments.length);
          ctx.realtime.emit('segments', frame);
        }
        return records;
      };
      const closing: { close(): Promise<void> }[] = [];
      const closeAll = async (): Promise<void> => {
        for (const c of closing.reverse()) await c.close().catch((err: unknown) => log.warn({ err }, 'closing a traffic stage failed'));
        closing.length = 0;
        // a step waiting for Kafka ends when it acknowledges, or when the writer gives up (Kafka away)
        const giveUp = clock.setTimeout(() => writer.abort(new V2xError('KAFKA_PRODUCER_CLOSED', 'the traffic role closed')), 10_000);
        const abandoned = await writer.closeWithin(10_000);
        giveUp.cancel();
        if (abandoned > 0) log.warn({ abandoned }, 'closed before Kafka acknowledged every traffic record');
        await producer.close();
      };
      try {
        segmentStage = await startSegmentStage({
          kafka: ctx.kafka,
          writer,
          network,
          groupId: `${groupId}-segments`,
          repartitionTopic: repartition,
          targetsTopic: targets,
          newService,
          idleAdvanceMs: tc.idleAdvanceMs,
          stepMs: tc.stepMs,
          clock,
          registry: reg,
          outputs,
        });
        closing.push(segmentStage);
        closing.push(
          await startMatchStage({
            kafka: ctx.kafka,
            writer,
            index,
            corridors: roads,
            prefix,
            groupId,
            repartitionTopic: repartition,
            targetsTopic: targets,
            fanout: { distanceM: tc.warningDistanceM, ttlMs: tc.warningTtlSeconds * 1000 },
            clock,
            maxAheadMs: config.bridge.maxClockSkewMs,
            fromBeginning: tc.fromBeginning,
            metrics: m,
          }),
        );
      } catch (err) {
        await closeAll();
        throw err;
      }
      log.info({ segments: network.segments.length, corridors: roads.count, groupId, repartition }, 'traffic service consuming telemetry');
      const tasks = segmentStage.tasks;
      const view = {
        jams: () => ({
          jams: tasks.jams().map(jamMsg),
          predicted: tasks.predicted().map((p) => ({
            segmentId: p.segmentId,
            expectedMs: p.expectedMs,
            ...(p.jamId === undefined ? {} : { jamId: p.jamId }),
          })),
        }),
        segments: () => tasks.segmentsFrame(),
        history: (fromMs: number, toMs: number) => history.between(fromMs, toMs),
      };
      return {
        routes: plugin(trafficRoutes, { prefix: API_V1, view }),
        health: () => {
          const s = tasks.stats();
          const a = segmentStage?.lastAssignment();
          const restore = a === undefined ? undefined : { added: a.added.length, recordsRead: a.recordsRead, ms: Math.round(a.ms) };
          return { traffic: { fixes: s.fixes, jams: s.jams, watermarkMs: s.watermarkMs, steps, partitions: tasks.partitions(), restore } };
        },
        close: closeAll,
      };
    },
  };
}

export const trafficRole: ServiceRole<Sections> = createTrafficRole();
