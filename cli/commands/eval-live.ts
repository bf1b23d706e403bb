/**
 * `v2x eval traffic --replay FILE --network FILE --truth FILE`: scores the live traffic service
 * against outside truth (issue 20). Starts the stack this process owns (a local Kafka or the
 * configured one, the embedded MQTT broker, the bridge and the traffic role on a random topic
 * prefix), replays the trace as MQTT cars (`v2x sim --replay`) at `speed`, reads what the service
 * wrote (`jams`, `traffic`) from Kafka, and scores it with eval/traffic/live-score.ts. The cars'
 * clock starts at `startEpochMs`; trace time t maps to startEpochMs + (t - the trace's first fix).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Config } from '../../app/config-schema.js';
import { createKafkaClient } from '../../backend/kafka/index.js';
import type { InRecord } from '../../backend/kafka/types.js';
import type { DeepReadonly } from '../../core/config/load.js';
import { runCleanups } from '../../core/lifecycle.js';
import { loadExternalTruth } from '../../eval/traffic/external-truth.js';
import { scoreLive, type LiveJamEvent, type LiveScore, type LiveSegmentRecord } from '../../eval/traffic/live-score.js';
import { kafkaTopicName } from '../../protocol/index.js';
import { loadNetworkFile } from '../../road/load-network.js';
import type { RoadNetwork } from '../../road/network.js';
import { resolveSimSettings } from '../../simulator/config.js';
import { Simulation } from '../../simulator/runtime/simulation.js';
import type { ProgressLine } from '../progress.js';
import { startStack } from '../stack.js';

export interface LiveEvalOptions {
  readonly replay: string;
  readonly network: string;
  readonly truth: string;
  readonly speed: number;
  readonly warmupS: number;
  /** Truth: a jam needs at least this many vehicles on the segment at once at some window of it (default 2, decision 0037). */
  readonly truthMinVehicles?: number;
  /** Truth: an episode ends at a window at or above this ratio of free flow (default 0.5; 0.4 = the rule before 0037). */
  readonly truthExitRatio?: number;
  /** Truth: a jam on a segment ending at a signal lasts at least this long (s; one cycle; default 60). */
  readonly truthSignalCycleS?: number;
  /** Also write what the service wrote (jam events, traffic records) and the time mapping here, as JSON, to rescore later. */
  readonly recordsFile?: string;
}

export interface LiveEvalResult {
  readonly score: LiveScore;
  readonly fixes: number;
  readonly vehicles: number;
  readonly truthRecords: number;
  readonly unknownTruthSegments: number;
  readonly wallMs: number;
  readonly network: { readonly segments: number; readonly nodes: number; readonly signals: number };
}

const quietFor = async (last: () => number, quietMs: number, maxMs: number): Promise<void> => {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline && Date.now() - last() < quietMs) await new Promise((r) => setTimeout(r, 250));
};

export async function runLiveTrafficEvaluation(
  loaded: DeepReadonly<Config>,
  o: LiveEvalOptions,
  progress: ProgressLine,
  warn: (line: string) => void,
): Promise<LiveEvalResult> {
  const wall0 = Date.now();
  const imported = loadNetworkFile(o.network);
  for (const w of imported.warnings) warn(`network: ${w}`);
  const prefix = `eval-${randomUUID().slice(0, 8)}.`;
  const config: DeepReadonly<Config> = {
    ...loaded,
    sim: { ...loaded.sim, city: o.network },
    mqtt: { ...loaded.mqtt, port: 0, wsPort: 0, tlsPort: 0 },
    backend: { ...loaded.backend, roles: ['broker', 'bridge', 'traffic'], httpPort: 0 },
    bridge: { ...loaded.bridge, topicPrefix: prefix, brokerUrl: '' },
    // in this process: the evaluation reads the traffic service's watermark from its health
    stack: { ...loaded.stack, singleProcess: true },
  };
  try {
    const stack = await startStack(config, progress);
    const backend = stack.backend;
    if (backend === undefined) throw new Error('eval traffic: the backend did not start in this process');
    const kafka = createKafkaClient({
      brokers: stack.kafka.brokers,
      clientId: `${config.kafka.clientId}-eval`,
      client: config.kafka.client,
    });
    const jamRecords: InRecord[] = [];
    const trafficRecords: InRecord[] = [];
    let lastRecordAt = Date.now();
    const consumers = await Promise.all(
      [
        [kafkaTopicName('jams', prefix), jamRecords],
        [kafkaTopicName('traffic', prefix), trafficRecords],
      ].map(async ([topic, into]) => {
        const c = await kafka.consumer({ groupId: `${prefix}eval-${randomUUID()}`, topics: [topic as string], fromBeginning: true });
        await c.start(async (batch) => {
          (into as InRecord[]).push(...batch);
          lastRecordAt = Date.now();
        });
        return c;
      }),
    );
    const tcp = backend.broker?.tcpUrl ?? '';
    const settings = resolveSimSettings({
      ...config.sim,
      broker: tcp,
      replay: o.replay,
      replaySpeed: o.speed,
      replayTimestamps: 'rebased',
      duration: '0',
      fleetKey: config.mqtt.fleetKey,
      credentials: config.mqtt.auth ? 'fleet-key' : 'none',
      summaryJson: '',
      groundTruth: '',
    });
    progress.update('loading the trace');
    const loadedSim = await Simulation.create(settings);
    for (const w of loadedSim.trace?.warnings ?? []) warn(`trace: ${w}`);
    const trace = loadedSim.trace;
    if (trace === undefined) throw new Error('no trace');
    let originMs = Number.POSITIVE_INFINITY;
    let lastMs = Number.NEGATIVE_INFINITY;
    for (const v of trace.vehicles) {
      originMs = Math.min(originMs, trace.timeMs[v.start] as number);
      lastMs = Math.max(lastMs, trace.timeMs[v.end - 1] as number);
    }
    // clocks aligned: the trace's first fix keeps its phase within the minute, so the service's 10 s
    // windows (multiples of 10 s of epoch time) cover the same spans as the truth's intervals
    const startEpochMs = (Math.floor(Date.now() / 60_000) - 1) * 60_000 + (((originMs % 60_000) + 60_000) % 60_000);
    const sim = new Simulation({ ...loadedSim.settings, startEpochMs }, trace);
    const toEpochMs = (traceMs: number): number => startEpochMs + traceMs - originMs;
    const truth = loadExternalTruth(o.truth, imported.network, toEpochMs);
    if (truth.unknownSegments > 0) warn(`truth: ${truth.unknownSegments} row(s) name segments not in the network; ignored`);
    const totalS = Math.round((lastMs - originMs) / 1000);
    await sim.run({
      onUpdate: (_phase, stats) => progress.update(`replay ${Math.round(stats.sim.simTimeS)}/${totalS} s of trace time`),
    });
    const endMs = toEpochMs(lastMs);
    const traffic = backend.services.get('traffic');
    progress.update('waiting for the traffic service to catch up');
    const deadline = Date.now() + 120_000;
    for (;;) {
      const h = (traffic?.health?.() ?? {}) as { traffic?: { watermarkMs?: number } };
      if ((h.traffic?.watermarkMs ?? 0) >= endMs - 1000 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await quietFor(() => lastRecordAt, 3000, 30_000);
    await Promise.all(consumers.map((c) => c.close()));
    const parse = (r: InRecord): unknown => JSON.parse(r.value?.toString() ?? '{}');
    const jamEvents = jamRecords.map(parse) as LiveJamEvent[];
    const outputs = trafficRecords.map(parse) as (LiveSegmentRecord | LiveJamEvent)[];
    if (o.recordsFile !== undefined) {
      writeFileSync(
        o.recordsFile,
        JSON.stringify({ startEpochMs, originMs, endMs, warmupS: o.warmupS, jamEvents, trafficRecords: outputs }),
      );
    }
    const score = scoreLive({
      jamEvents,
      trafficRecords: outputs,
      truth: truth.records,
      warmupEndMs: startEpochMs + o.warmupS * 1000,
      endMs,
      truthOptions: {
        ...(o.truthMinVehicles === undefined ? {} : { minVehicles: o.truthMinVehicles }),
        ...(o.truthExitRatio === undefined ? {} : { exitRatio: o.truthExitRatio }),
        ...(o.truthSignalCycleS === undefined
          ? {}
          : { signalMinDurationS: o.truthSignalCycleS, signalSegments: signalApproaches(imported.network) }),
      },
    });
    const net = imported.network;
    return {
      score,
      fixes: trace.stats.fixes,
      vehicles: trace.vehicles.length,
      truthRecords: truth.records.length,
      unknownTruthSegments: truth.unknownSegments,
      wallMs: Date.now() - wall0,
      network: { segments: net.segments.length, nodes: net.nodes.length, signals: net.nodes.filter((n) => n.signal).length },
    };
  } finally {
    progress.done();
    await runCleanups();
  }
}

/** Ids of the segments that end at a traffic signal. */
function signalApproaches(net: RoadNetwork): Set<string> {
  const out = new Set<string>();
  net.segments.forEach((s, i) => {
    if (net.nodes[net.segTo[i] as number]?.signal === true) out.add(s.id);
  });
  return out;
}
