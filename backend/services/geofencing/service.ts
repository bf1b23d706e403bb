/**
 * The geofencing service: the shell around the pure evaluator. On start it rebuilds the fences
 * from the compacted geofences topic (fence-log.ts: read to the high watermarks before serving),
 * then consumes telemetry through a consumer group (instances of the group split the cars by VIN
 * partition), feeds every fix to the evaluator and hands the outputs on: events to the
 * geofence-events topic (key VIN) and to the dashboards (realtime 'geofence'), fence actions to the
 * command service (actions.ts). Fence changes from any instance arrive through the topic and are
 * evaluated in its order (deleting a fence exits the cars inside it). A wall-clock timer ticks the
 * evaluator for dwell events of cars that stopped sending and forgets cars silent for too long.
 *
 * Delivery: telemetry offsets are committed after the batch's events are in Kafka and its actions
 * handed to the command service (at-least-once); a produce failure is retried (the Kafka writer),
 * not skipped, because the evaluator has already moved on and would ignore the redelivered fixes.
 */
import { randomUUID } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import { systemClock } from '../../../core/clock.js';
import { CarTime } from './car-time.js';
import type { DeepReadonly } from '../../../core/config/load.js';
import { V2xError } from '../../../core/errors.js';
import { logger } from '../../../core/log.js';
import { kafkaTopicName } from '../../../protocol/index.js';
import { ensureContractTopics, type TopicsConfig } from '../../kafka/topics.js';
import type { Consumer, InRecord, KafkaClient, OutRecord, Producer } from '../../kafka/types.js';
import { kafkaChangelogReader, StateStore } from '../../kafka/state-store.js';
import { BULK_FETCH } from '../../kafka/types.js';
import { serviceWriter } from '../../kafka/service-writer.js';
import type { KafkaWriter } from '../../kafka/writer.js';
import type { GeofenceEventMsg, RealtimeSink } from '../../dashboard/hub/events.js';
import type { CommandService } from '../commands/service.js';
import { actionSender, inOrderPerKey } from './actions.js';
import { CAR_STATE_KIND, carStateCodec, installCar } from './car-state.js';
import type { geofencingConfigSchema } from './config.js';
import { startFenceLog, type FenceLog } from './fence-log.js';
import { parseFleetTags } from './fleet-tags.js';
import { forgetCar } from './forget.js';
import { createGeofenceState, evaluate } from './evaluator.js';
import type { GeofencingMetrics } from './metrics.js';
import type { HopMetrics } from '../../metrics/hop-metrics.js';
import { decodeFix, eventMessage, eventRecord, fenceRecord, tombstoneRecord, type FenceChange } from './records.js';
import type { Fence } from './schema.js';
import type { CarState, CommandToSend, GeofenceEvent, GeofenceInput, GeofenceOutput, GeofenceState } from './types.js';

export type GeofencingConfig = DeepReadonly<Static<typeof geofencingConfigSchema>>;

export interface GeofencingDeps {
  readonly kafka: KafkaClient;
  readonly config: GeofencingConfig;
  readonly topicPrefix: string;
  /** Topic sizes (bridge.topics); the defaults when absent. */
  readonly topics?: TopicsConfig;
  readonly realtime: RealtimeSink;
  readonly commands: CommandService | undefined;
  readonly metrics: GeofencingMetrics;
  readonly clock?: Clock;
  /** A fix stamped further ahead of the wall clock is dropped, and ticks never run later (bridge.maxClockSkewMs; 0 = no bound). */
  readonly maxClockSkewMs?: number;
  /** The process's hop histograms (decision 0030): fixes consumed, events in Kafka. */
  readonly hops?: HopMetrics;
  /** The telemetry consumer's fetch (bridge.fetchMinBytes, bridge.fetchMaxWaitMs); BULK_FETCH when absent. */
  readonly fetch?: { readonly minBytes: number; readonly maxWaitMs: number };
}

export interface GeofencingService {
  /** Every fence, sorted by id. */
  fences(): Fence[];
  fence(id: string): Fence | undefined;
  /** VINs this instance holds inside the fence (its partitions' cars), sorted. */
  occupants(id: string): string[];
  /** Writes the fence to the geofences topic; resolves with it once this instance has applied it. */
  put(fence: Fence): Promise<Fence>;
  /** Writes a tombstone; resolves once applied here (the cars inside get their exits). */
  remove(id: string): Promise<void>;
  /** Observes every message handed to the realtime sink (tests, diagnostics); returns the unsubscribe. */
  onRealtime(listener: (msg: GeofenceEventMsg) => void): () => void;
  health(): Record<string, unknown>;
  close(): Promise<void>;
}

const log = logger('geofencing');

/**
 * Telemetry partitions handled at once (decision 0030): a batch's Kafka round trips no longer hold up the other
 * partitions. close() stops the consumer, which waits for the batches in flight, before the writer and producer go.
 */
export const TELEMETRY_CONCURRENCY = 12;

export async function startGeofencing(deps: GeofencingDeps): Promise<GeofencingService> {
  const { kafka, config, topicPrefix, metrics } = deps;
  const clock = deps.clock ?? systemClock;
  const state: GeofenceState = createGeofenceState({
    hysteresisM: config.hysteresisM,
    confirmFixes: config.confirmFixes,
    maxGapMs: config.maxGapMs,
    cellDeg: config.cellDeg,
  });
  const tags = parseFleetTags(config.fleetTags);
  const actions = actionSender(deps.commands, config.actionTtlSeconds, metrics);
  const listeners = new Set<(msg: GeofenceEventMsg) => void>();
  /** Fence names for messages, kept until a delete's exits have gone out. */
  const names = new Map<string, string>();
  /** Wall clock of each car's last fix (idle cars are forgotten by it, whatever their own clock says). */
  const lastSeen = new Map<string, number>();
  /** Car clock minus wall clock at the latest fix, bounded: ticks run on the cars' time. */
  const carTime = new CarTime(deps.maxClockSkewMs ?? 0);
  const groupId = topicPrefix + config.groupId;
  const fencesTopic = kafkaTopicName('geofences', topicPrefix);
  const telemetryTopic = kafkaTopicName('telemetry', topicPrefix);
  const stateTopic = kafkaTopicName('geofencingState', topicPrefix);
  /** Per-car state of the assigned partitions, mirrored to the geofencing-state changelog (restored on assignment). */
  const store = new StateStore<CarState>({
    topic: stateTopic,
    codec: carStateCodec,
    reader: kafkaChangelogReader(kafka, stateTopic, groupId),
    headers: { 'content-type': 'application/json', 'v2x-kind': CAR_STATE_KIND },
  });
  let producer: Producer | undefined;
  let writer: KafkaWriter | undefined;
  let fenceLog: FenceLog | undefined;
  let telemetry: Consumer | undefined;
  let housekeeping: TimerHandle | undefined;
  let closed = false;

  /**
   * Events go through the one Kafka writer (decision 0023): retried with backoff until Kafka takes
   * them (the evaluator has moved on: dropping would lose them), dead-lettered if Kafka refuses one
   * for good. The telemetry consumer waits while the writer is full (push back).
   */
  const produce = async (records: OutRecord[]): Promise<void> => {
    await writer!.capacity();
    await writer!.appendAll(records);
  };

  /**
   * The changelog records of these cars (their state now, or a tombstone once forgotten), after
   * their events are in Kafka: a crash in between replays the fixes from the older state, giving the
   * same events (same ids: dropped downstream), never fewer.
   */
  const persist = async (vins: Iterable<string>, partition?: number): Promise<void> => {
    const out: OutRecord[] = [];
    for (const vin of vins) {
      const car = state.cars.get(vin);
      const p = store.partitionOf(vin) ?? partition;
      if (car === undefined) {
        const tomb = store.delete(vin);
        if (tomb !== undefined) out.push(tomb);
      } else if (p !== undefined && store.owns(p)) out.push(store.put(p, vin, car));
      else metrics.invalidInput.inc({ source: 'unassigned-partition' });
    }
    if (out.length > 0) await produce(out);
  };

  /**
   * Events to Kafka and the dashboards, actions to the command service, then the changelog of every
   * car they or `touched` (the batch's cars, of `partition`) concern.
   */
  const flush = async (
    outputs: readonly GeofenceOutput[],
    touched?: ReadonlySet<string>,
    partition?: number,
    causes?: readonly number[],
  ): Promise<void> => {
    const vins = new Set(touched);
    if (outputs.length > 0) {
      const events: GeofenceEvent[] = [];
      const eventCauses: (number | undefined)[] = [];
      outputs.forEach((o, i) => {
        if (o.kind !== 'event') return;
        events.push(o.event);
        eventCauses.push(causes?.[i]);
      });
      if (events.length > 0) {
        await produce(events.map((e, i) => eventRecord(e, topicPrefix, eventCauses[i])));
        // the decision is in Kafka: measured from the fix that fired it (live fixes only count live)
        const at = clock.now();
        for (const c of eventCauses) if (c !== undefined) deps.hops?.observe('decided', 'geofencing', { carTs: c, at });
      }
      for (const e of events) {
        metrics.event(e.type);
        const msg = eventMessage(e, names.get(e.fenceId));
        deps.realtime.emit('geofence', msg);
        for (const l of listeners) l(msg);
        vins.add(e.vin);
      }
      // side by side across cars (each is its own command, idempotent by key), in order within a car
      const commands: { command: CommandToSend; causeTs: number | undefined }[] = [];
      for (const [i, o] of outputs.entries()) if (o.kind === 'command') commands.push({ command: o.command, causeTs: causes?.[i] });
      await inOrderPerKey(
        commands,
        (c) => c.command.vin,
        (c) => actions.send(c.command, c.causeTs),
      );
    }
    if (vins.size > 0) await persist(vins, partition);
  };

  const applyChange = async (change: FenceChange, r: InRecord): Promise<void> => {
    let input: GeofenceInput;
    if (change.kind === 'invalid') {
      metrics.invalidInput.inc({ source: 'geofences' });
      log.warn({ key: change.key, offset: r.offset, problem: change.problem }, 'skipping an invalid geofences record');
      return;
    } else if (change.kind === 'upsert') {
      names.set(change.fence.id, change.fence.name);
      input = { kind: 'upsert', ts: r.timestamp, fence: change.fence };
    } else {
      input = { kind: 'delete', ts: r.timestamp, id: change.id };
    }
    const { outputs } = evaluate(state, input);
    metrics.fences.set(state.fences.size);
    await flush(outputs);
    if (change.kind === 'delete') names.delete(change.id);
  };

  const onTelemetry = async (records: readonly InRecord[]): Promise<void> => {
    const outputs: GeofenceOutput[] = [];
    /** Per output, the car timestamp of the fix that fired it. */
    const causes: number[] = [];
    const now = clock.now();
    const touched = new Set<string>();
    for (const r of records) {
      const d = decodeFix(r.value, tags);
      if (!d.ok) {
        metrics.invalidInput.inc({ source: 'telemetry' });
        log.debug({ offset: r.offset, partition: r.partition, problem: d.problem }, 'skipping undecodable telemetry');
        continue;
      }
      if (!carTime.observe(d.fix.ts, now)) {
        metrics.invalidInput.inc({ source: 'telemetry' });
        log.debug({ offset: r.offset, partition: r.partition, ts: d.fix.ts }, 'skipping a fix stamped too far ahead');
        continue;
      }
      lastSeen.set(d.fix.vin, now);
      touched.add(d.fix.vin);
      deps.hops?.consumed('geofencing', r, d.fix.ts, now);
      const t0 = performance.now();
      const { outputs: o } = evaluate(state, d.fix);
      metrics.evaluationSeconds.observe((performance.now() - t0) / 1000);
      metrics.positions.inc();
      for (const x of o) {
        outputs.push(x);
        causes.push(d.fix.ts);
      }
    }
    await flush(outputs, touched, records[0]?.partition, causes);
  };

  let busy = false;
  const housekeep = async (): Promise<void> => {
    if (busy || closed) return;
    busy = true;
    try {
      const now = clock.now();
      if (config.carIdleMs > 0) {
        for (const [vin, seen] of lastSeen) {
          if (now - seen < config.carIdleMs) continue;
          lastSeen.delete(vin);
          forgetCar(state, vin);
          const tomb = store.delete(vin);
          if (tomb !== undefined) await produce([tomb]);
        }
      }
      metrics.cars.set(state.cars.size);
      if (config.tickMs > 0) await flush(evaluate(state, { kind: 'tick', ts: carTime.tickAt(now) }).outputs);
    } catch (err) {
      log.error({ err }, 'geofencing housekeeping failed');
    } finally {
      busy = false;
    }
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    housekeeping?.cancel();
    // a batch waiting for Kafka ends when it acknowledges, or when the writer gives up (Kafka away)
    const giveUp = clock.setTimeout(() => writer?.abort(new V2xError('KAFKA_PRODUCER_CLOSED', 'geofencing closed')), 10_000);
    await telemetry?.close().catch((err: unknown) => log.warn({ err }, 'telemetry consumer close failed'));
    await fenceLog?.close().catch((err: unknown) => log.warn({ err }, 'fence consumer close failed'));
    giveUp.cancel();
    const abandoned = (await writer?.closeWithin(10_000)) ?? 0;
    if (abandoned > 0) log.warn({ abandoned }, 'closed before Kafka acknowledged every geofencing record');
    await producer?.close().catch((err: unknown) => log.warn({ err }, 'producer close failed'));
  };

  try {
    const admin = await kafka.admin();
    try {
      await ensureContractTopics(admin, topicPrefix, deps.topics);
      producer = await kafka.producer({ idempotent: true });
      writer = serviceWriter(producer, { name: 'geofencing', topicPrefix, clock });
      // the telemetry group is joined while the fences are rebuilt (joins take seconds); no fix is
      // evaluated before every fence in the topic at start is applied
      let rebuilt: (err?: Error) => void = () => {};
      const fencesReady = new Promise<void>((resolve, reject) => (rebuilt = (err) => (err ? reject(err) : resolve())));
      fencesReady.catch(() => {}); // a failed rebuild fails start(); the handler's await then throws (nothing committed)
      const joining = (async () => {
        telemetry = await kafka.consumer({
          groupId,
          topics: [telemetryTopic],
          fromBeginning: config.fromBeginning,
          fetch: deps.fetch ?? BULK_FETCH,
          // each partition's batch waits for its events, actions and changelog in Kafka: the others
          // go on meanwhile (their cars are others; the evaluator's steps are synchronous)
          concurrentPartitions: TELEMETRY_CONCURRENCY,
          onAssign: async (assignment) => {
            await fencesReady;
            const a = await store.assign(assignment.get(telemetryTopic) ?? []);
            // this owner's epoch in each added partition's changelog, before any state of it (fences stale writers)
            if (a.markers.length > 0) await produce([...a.markers]);
            const now = clock.now();
            for (const vin of a.dropped) {
              forgetCar(state, vin);
              lastSeen.delete(vin);
            }
            for (const [vin, car] of a.restored) {
              installCar(state, vin, car);
              lastSeen.set(vin, now);
            }
            metrics.cars.set(state.cars.size);
            log.info(
              {
                added: a.added,
                revoked: a.revoked,
                restoredCars: a.restored.size,
                recordsRead: a.recordsRead,
                fenced: a.fenced,
                ms: Math.round(a.ms),
              },
              'partitions assigned; car state restored',
            );
          },
        });
        await telemetry.start(async (records) => {
          await fencesReady;
          await onTelemetry(records);
        });
      })();
      try {
        fenceLog = await startFenceLog({ kafka, admin, topic: fencesTopic, groupId, clock, apply: applyChange });
        rebuilt();
      } catch (err) {
        rebuilt(err as Error);
        throw err;
      } finally {
        await joining;
      }
    } finally {
      await admin.close();
    }
    log.info({ fences: state.fences.size }, 'geofences rebuilt');
    housekeeping = clock.setInterval(() => void housekeep(), config.tickMs > 0 ? config.tickMs : 60_000);
  } catch (err) {
    await close();
    throw err;
  }

  const write = async (record: OutRecord, writeId: string): Promise<void> => {
    if (closed) throw new V2xError('NOT_READY', 'the geofencing service is closing');
    const wait = fenceLog!.expect(writeId, config.writeTimeoutMs);
    // the write fails if Kafka refuses the record for good (dead-lettered too) or if it does not come
    // back within writeTimeoutMs (Kafka away: the writer keeps trying)
    const written = writer!.append(record, { rejectRefused: true });
    written.catch(() => wait.cancel());
    await Promise.all([written, wait.applied]);
  };

  return {
    fences: () => state.fences.list().map((c) => c.fence),
    fence: (id) => state.fences.get(id)?.fence,
    occupants: (id) => [...(state.occupants.get(id) ?? [])].sort(),
    async put(fence) {
      const writeId = randomUUID();
      await write(fenceRecord(fence, topicPrefix, writeId), writeId);
      return state.fences.get(fence.id)?.fence ?? fence;
    },
    async remove(id) {
      const writeId = randomUUID();
      await write(tombstoneRecord(id, topicPrefix, writeId), writeId);
    },
    onRealtime(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    health: () => ({ geofencing: { fences: state.fences.size, cars: state.cars.size, partitions: store.partitions() } }),
    close,
  };
}
