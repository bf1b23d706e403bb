/**
 * The fleet state's Kafka shell: two consumers with unique groups (every dashboard process keeps a
 * whole copy of the fleet state): vehicle-status from the beginning (a compacted topic: every car's
 * latest status) and telemetry from the latest offsets. Records are decoded with the protocol's
 * decoders (refused ones are counted and skipped: never a stuck consumer) and applied to the
 * store; the ring keeps a copy of the payload bytes, decoded only when someone asks. Consumed
 * offsets are tracked for the Kafka lag of the system panel.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import { logger } from '../../../core/log.js';
import { kafkaTopicName, tryDecodeStatus, tryDecodeTelemetry, type Status, type Telemetry } from '../../../protocol/index.js';
import type { Admin, Consumer, InRecord, KafkaClient } from '../../kafka/types.js';
import { BULK_FETCH } from '../../kafka/types.js';
import { catchUp } from '../../services/commands/catch-up.js';
import type { VehicleStore } from './store.js';
import { CarSlabs } from './car-slabs.js';

const log = logger('vehicles');

export interface FleetFeedDeps {
  readonly kafka: KafkaClient;
  readonly store: VehicleStore<Uint8Array>;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly clock: Clock;
  /** Called for every car message applied: telemetry with its car-to-backend latency. */
  readonly onMessage?: (kind: 'telemetry' | 'status', latencyMs?: number, message?: Telemetry | Status) => void;
}

export interface FleetFeed {
  /** Records behind the latest offsets over both topics (asks Kafka). */
  lag(): Promise<number>;
  /** Records refused by the decoders so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startFleetFeed(deps: FleetFeedDeps): Promise<FleetFeed> {
  const { kafka, store, clock } = deps;
  const statusTopic = kafkaTopicName('vehicleStatus', deps.topicPrefix);
  const telemetryTopic = kafkaTopicName('telemetry', deps.topicPrefix);
  /** topic -> partition -> next offset to consume (starts at the low or high watermark). */
  const next = new Map<string, Map<number, number>>();
  const consumers: Consumer[] = [];
  let refused = 0;
  const slabs = new CarSlabs();
  let admin: Admin | undefined;

  const track = (records: readonly InRecord[]): void => {
    for (const r of records) next.get(r.topic)?.set(r.partition, Number(r.offset) + 1);
  };
  const baseline = async (topic: string, from: 'low' | 'high'): Promise<void> => {
    const parts = new Map<number, number>();
    for (const p of await (admin as Admin).topicOffsets(topic)) parts.set(p.partition, p[from]);
    next.set(topic, parts);
  };

  const close = async (): Promise<void> => {
    for (const c of consumers.splice(0).reverse()) await c.close().catch((err: unknown) => log.warn({ err }, 'consumer close failed'));
    await admin?.close().catch(() => {});
    admin = undefined;
  };

  try {
    admin = await kafka.admin();
    const suffix = randomUUID().slice(0, 8);

    const statusCatch = await catchUp(admin, statusTopic);
    await baseline(statusTopic, 'low');
    const status = await kafka.consumer({ groupId: `${deps.groupId}-status-${suffix}`, topics: [statusTopic], fromBeginning: true });
    consumers.push(status);
    await status.start(async (records) => {
      const seenAt = clock.now();
      for (const r of records) {
        if (r.value === null) continue; // a cleared retained status
        const d = tryDecodeStatus(r.value);
        if (!d.ok) {
          refused++;
          continue;
        }
        store.applyStatus(d.value, seenAt);
        deps.onMessage?.('status', undefined, d.value);
      }
      track(records);
      statusCatch.see(records);
    });
    await statusCatch.done;

    await baseline(telemetryTopic, 'high');
    const telemetry = await kafka.consumer({
      groupId: `${deps.groupId}-telemetry-${suffix}`,
      topics: [telemetryTopic],
      fromBeginning: false,
      fetch: BULK_FETCH,
    });
    consumers.push(telemetry);
    await telemetry.start(async (records) => {
      const seenAt = clock.now();
      for (const r of records) {
        if (r.value === null) continue;
        const d = tryDecodeTelemetry(r.value);
        if (!d.ok) {
          refused++;
          continue;
        }
        // a copy: the record's bytes may be a slice of the whole fetched batch (car-slabs.ts)
        store.applyTelemetry(d.value, slabs.copy(d.value.vin, r.value), seenAt);
        deps.onMessage?.('telemetry', seenAt - d.value.ts, d.value);
      }
      track(records);
    });
    log.info({ cars: store.size, online: store.onlineCount }, 'fleet state loaded');
  } catch (err) {
    await close();
    throw err;
  }

  return {
    get refused() {
      return refused;
    },
    async lag() {
      const a = admin;
      if (a === undefined) return 0;
      let lag = 0;
      for (const topic of [statusTopic, telemetryTopic]) {
        const consumed = next.get(topic);
        for (const p of await a.topicOffsets(topic)) lag += Math.max(0, p.high - (consumed?.get(p.partition) ?? p.low));
      }
      return lag;
    },
    close,
  };
}
