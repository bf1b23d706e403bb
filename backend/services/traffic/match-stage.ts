/**
 * The traffic role's first stage (decision 0033): telemetry in (consumer group keyed by VIN, so an
 * instance holds its cars' recent paths), each fix map-matched here and written to the repartition
 * topic keyed by its segment's corridor. It also warns its own cars: it reads every warning target
 * the owners of jams write (a consumer group of its own: every instance sees all of them) and picks
 * its cars upstream (warn-fanout.ts). Records are written before the input's offsets are committed.
 */
import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import type { Clock } from '../../../core/clock.js';
import { encode, kafkaTopicName, tryDecode } from '../../../protocol/index.js';
import type { SegmentIndex } from '../../../road/spatial-index.js';
import type { KafkaWriter } from '../../kafka/writer.js';
import { BULK_FETCH, type Consumer, type KafkaClient, type OutRecord } from '../../kafka/types.js';
import type { Corridors } from './corridors.js';
import { MapMatcher } from './map-matcher.js';
import { matchedFixRecord } from './repartition.js';
import { consumerWhenReady } from './consumer-ready.js';
import { decodeTarget, WarningFanout, type FanoutOptions } from './warn-fanout.js';

export interface MatchStageOptions {
  readonly kafka: KafkaClient;
  readonly writer: KafkaWriter;
  readonly index: SegmentIndex;
  readonly corridors: Corridors;
  readonly prefix: string;
  /** The telemetry consumer group (traffic.groupId with the prefix). */
  readonly groupId: string;
  readonly repartitionTopic: string;
  readonly targetsTopic: string;
  readonly fanout: FanoutOptions;
  readonly clock: Clock;
  /** A telemetry group without committed offsets starts at the oldest record. */
  readonly fromBeginning: boolean;
  /** A fix stamped further ahead of the wall clock is dropped (bridge.maxClockSkewMs; 0 = no bound). */
  readonly maxAheadMs: number;
  readonly metrics: { readonly fixes: Counter<'result'>; readonly warnings: Counter };
}

export interface MatchStage {
  readonly matcher: MapMatcher;
  close(): Promise<void>;
}

export async function startMatchStage(o: MatchStageOptions): Promise<MatchStage> {
  const net = o.index.network;
  const matcher = new MapMatcher(o.index);
  const fanout = new WarningFanout(net, matcher, o.fanout);
  const warningsTopic = kafkaTopicName('warnings', o.prefix);
  let latest = -Infinity;
  let sincePrune = 0;
  const write = async (records: OutRecord[]): Promise<void> => {
    if (records.length === 0) return;
    await o.writer.capacity();
    await o.writer.appendAll(records);
  };
  const consumers: Consumer[] = [];
  try {
    const telemetry = await o.kafka.consumer({
      groupId: o.groupId,
      topics: [kafkaTopicName('telemetry', o.prefix)],
      fromBeginning: o.fromBeginning,
      fetch: BULK_FETCH,
    });
    consumers.push(telemetry);
    await telemetry.start(async (records) => {
      const out: OutRecord[] = [];
      const bound = o.maxAheadMs > 0 ? o.clock.now() + o.maxAheadMs : Infinity;
      for (const r of records) {
        const d = tryDecode('telemetry', r.value ?? Buffer.alloc(0));
        if (!d.ok) {
          o.metrics.fixes.inc({ result: 'invalid' });
          continue;
        }
        const t = d.value;
        // a parked car (ignition off or in P) is not traffic: every car park would be a jam
        if (!t.ignition || t.gear === 'P') {
          o.metrics.fixes.inc({ result: 'parked' });
          continue;
        }
        if (t.ts > bound) {
          o.metrics.fixes.inc({ result: 'future' });
          continue;
        }
        const m = matcher.match({
          vin: t.vin,
          ts: t.ts,
          lon: t.gps.lon,
          lat: t.gps.lat,
          headingDeg: t.gps.heading,
          speedMps: t.gps.speedKmh / 3.6,
        });
        const s = m === undefined ? undefined : net.segmentIndexById.get(m.key);
        if (m === undefined || s === undefined) {
          o.metrics.fixes.inc({ result: 'unmatched' });
          continue;
        }
        o.metrics.fixes.inc({ result: 'ok' });
        if (t.ts > latest) latest = t.ts;
        out.push(matchedFixRecord(o.repartitionTopic, o.corridors.keyOf[s] as string, m));
      }
      if (++sincePrune >= 100 && Number.isFinite(latest)) {
        sincePrune = 0;
        matcher.prune(latest);
      }
      await write(out);
    });
    // every instance reads every target (a group of its own, from now on)
    const targets = await consumerWhenReady(o.kafka, { groupId: `${o.groupId}-targets-${randomUUID()}`, topics: [o.targetsTopic] });
    consumers.push(targets);
    await targets.start(async (records) => {
      const out: OutRecord[] = [];
      for (const r of records) {
        const t = decodeTarget(r.value);
        if (t === undefined) continue;
        for (const w of fanout.warn(t)) out.push({ topic: warningsTopic, key: w.vin, value: encode('warning', w), timestamp: w.issuedAt });
      }
      o.metrics.warnings.inc(out.length);
      await write(out);
    });
  } catch (err) {
    for (const c of consumers) await c.close().catch(() => undefined);
    throw err;
  }
  return {
    matcher,
    async close() {
      for (const c of consumers.reverse()) await c.close();
    },
  };
}
