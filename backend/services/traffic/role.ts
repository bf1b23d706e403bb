/**
 * The `traffic` backend role: a Kafka consumer group on telemetry, matched onto the network the
 * simulator drives (config sim.city / sim.seed / sim.scenario, built as the simulator builds it), a
 * TrafficService on the records' clock, and its outputs:
 *  - topic `traffic`, key = segment id: jam events (key = head segment; {type: jam_started|jam_updated|
 *    jam_cleared, atMs, jam}), predicted jams ({type: 'jam_predicted', atMs, segmentId, expectedMs,
 *    jamId?}) and every `segmentsEverySteps` steps each segment's status with its forecasts
 *    ({type: 'segment', ...}, see service.ts);
 *  - topic `warnings`, key = VIN: warnings to the cars upstream (protocol warning), which the bridge
 *    publishes on each car's MQTT warnings topic;
 *  - realtime 'jam' and 'segments'; REST GET /api/v1/jams and /api/v1/traffic/segments; metrics.
 * Records are written before the batch's offsets are committed (at-least-once). State is rebuilt from
 * live telemetry (windows are 60 s; the learned forecaster starts over after a restart).
 */
import { Counter, Gauge } from 'prom-client';
import { systemClock, type Clock } from '../../../core/clock.js';
import { V2xError } from '../../../core/errors.js';
import { logger } from '../../../core/log.js';
import { encode, kafkaTopicName, tryDecode } from '../../../protocol/index.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { API_V1 } from '../../api/route.js';
import { plugin } from '../../http.js';
import type { OutRecord } from '../../kafka/types.js';
import { BULK_FETCH } from '../../kafka/types.js';
import { serviceWriter } from '../../kafka/service-writer.js';
import type { JamEventMsg, JamMsg } from '../../dashboard/hub/events.js';
import type { RoleContext, ServiceRole, StartedRole } from '../../roles.js';
import { trafficRoutes } from './routes.js';
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
    records.push({ topic: jams, key: e.jam.id, value: JSON.stringify(m), timestamp: e.atMs });
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

export function createTrafficRole(clock: Clock = systemClock): ServiceRole<Sections> {
  return {
    name: 'traffic',
    sections: ['traffic', 'bridge', 'api'],
    async start(ctx: RoleContext<Sections>): Promise<StartedRole> {
      const { config } = ctx;
      const tc = config.traffic;
      const network = ctx.network();
      const service = new TrafficService(new SegmentIndex(network), {
        stepMs: tc.stepMs,
        latenessMs: tc.latenessMs,
        warningDistanceM: tc.warningDistanceM,
        warningTtlSeconds: tc.warningTtlSeconds,
        timeBound: { now: () => clock.now(), maxAheadMs: config.bridge.maxClockSkewMs },
      });
      const prefix = config.bridge.topicPrefix;
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
        jams: new Gauge({ name: 'v2x_traffic_live_jams', help: 'jams now', registers: [reg] }),
        segments: new Gauge({ name: 'v2x_traffic_segments_observed', help: 'segments with cars in the last window', registers: [reg] }),
      };
      const producer = await ctx.kafka.producer({ acksAll: true });
      // the one Kafka write path (decision 0023): retried with backoff while Kafka is away, a record
      // Kafka refuses for good dead-lettered; the telemetry consumer waits while it is full
      const writer = serviceWriter(producer, {
        name: 'traffic',
        topicPrefix: prefix,
        clock,
        maxBatchRecords: 5000,
        maxBufferedRecords: 20_000,
      });
      let steps = 0;
      const history = new JamHistory();
      let lastRecordWall = clock.monotonic();
      const publish = async (results: readonly StepResult[]): Promise<void> => {
        const records: OutRecord[] = [];
        for (const r of results) {
          steps++;
          const out = stepOutputs(r, prefix, steps % tc.segmentsEverySteps === 0);
          records.push(...out.records);
          for (const j of out.jamMsgs) {
            history.add(j);
            m.events.inc({ type: j.type });
            ctx.realtime.emit('jam', j);
          }
          m.warnings.inc(r.carWarnings.length);
        }
        if (results.length === 0) return;
        m.jams.set(service.jams.length);
        const frame = service.segmentsFrame();
        m.segments.set(frame.segments.length);
        ctx.realtime.emit('segments', frame);
        if (records.length === 0) return;
        await writer.capacity();
        await writer.appendAll(records);
      };
      // one at a time: Kafka batches and the idle clock share the service
      let chain: Promise<void> = Promise.resolve();
      const serial = (fn: () => Promise<void>): Promise<void> => (chain = chain.then(fn, fn));
      const consumer = await ctx.kafka.consumer({
        groupId: `${prefix}${tc.groupId}`,
        topics: [kafkaTopicName('telemetry', prefix)],
        fetch: BULK_FETCH,
      });
      await consumer.start((records) =>
        serial(async () => {
          const due: StepResult[] = [];
          for (const r of records) {
            const d = tryDecode('telemetry', r.value ?? Buffer.alloc(0));
            if (!d.ok) {
              m.fixes.inc({ result: 'invalid' });
              continue;
            }
            m.fixes.inc({ result: 'ok' });
            due.push(...service.ingest(d.value));
          }
          lastRecordWall = clock.monotonic();
          await publish(due);
        }),
      );
      let idleFrom = Number.NaN;
      const idle =
        tc.idleAdvanceMs > 0
          ? clock.setInterval(() => {
              const quiet = clock.monotonic() - lastRecordWall;
              if (quiet < tc.idleAdvanceMs || !Number.isFinite(service.watermarkMs)) {
                idleFrom = Number.NaN;
                return;
              }
              if (Number.isNaN(idleFrom)) idleFrom = service.watermarkMs;
              const target = idleFrom + quiet;
              void serial(() => publish(service.advanceTo(target))).catch((err: unknown) =>
                log.warn({ err: (err as Error).message }, 'idle advance failed'),
              );
            }, tc.stepMs)
          : undefined;
      log.info({ segments: network.segments.length, groupId: `${prefix}${tc.groupId}` }, 'traffic service consuming telemetry');
      const view = {
        jams: () => ({
          jams: service.jams.map(jamMsg),
          predicted: service.predicted.map((p) => ({
            segmentId: p.segmentId,
            expectedMs: p.expectedMs,
            ...(p.jamId === undefined ? {} : { jamId: p.jamId }),
          })),
        }),
        segments: () => service.segmentsFrame(),
        history: (fromMs: number, toMs: number) => history.between(fromMs, toMs),
      };
      return {
        routes: plugin(trafficRoutes, { prefix: API_V1, view }),
        health: () => ({ traffic: { fixes: service.fixes, jams: service.jams.length, watermarkMs: service.watermarkMs, steps } }),
        async close() {
          idle?.cancel();
          await consumer.close();
          // a step waiting for Kafka ends when it acknowledges, or when the writer gives up (Kafka away)
          const giveUp = clock.setTimeout(() => writer.abort(new V2xError('KAFKA_PRODUCER_CLOSED', 'the traffic role closed')), 10_000);
          await chain.catch(() => undefined);
          giveUp.cancel();
          const abandoned = await writer.closeWithin(10_000);
          if (abandoned > 0) log.warn({ abandoned }, 'closed before Kafka acknowledged every traffic record');
          await producer.close();
        },
      };
    },
  };
}

export const trafficRole: ServiceRole<Sections> = createTrafficRole();
