/**
 * A synthetic fleet written straight to Kafka, for benchmarks of what sits behind the bridge (the
 * dashboard's fleet state and hub) when the MQTT side cannot carry the fleet on the machine at
 * hand: each car gets an `online` status (the generated fleet's identities) on vehicle-status, then
 * binary telemetry at `rateHz` on the telemetry topic, driving along the road network at 50-100 %
 * of free-flow speed, turning onto a random outgoing segment at each node. The same records, keys
 * and codec the bridge writes; sends are spread over ten slots a second.
 */
import type { KafkaClient, OutRecord } from '../../backend/kafka/types.js';
import { encode, kafkaTopicName } from '../../protocol/index.js';
import { FleetGenerator } from '../../simulator/fleet/generate.js';
import { M_PER_DEG, mPerDegLon } from '../../road/geo.js';
import type { RoadNetwork } from '../../road/network.js';
import { Rng } from '../../core/random.js';

const SLOTS = 10;

export interface KafkaFleetFeed {
  /** Telemetry records written so far. */
  readonly sent: () => number;
  close(): Promise<void>;
}

interface Car {
  readonly vin: string;
  seg: number;
  offsetM: number;
  speedMps: number;
  seq: number;
  odometerKm: number;
}

function pointAt(network: RoadNetwork, seg: number, offsetM: number): { lon: number; lat: number; heading: number } {
  const g = network.segments[seg]!.geometry;
  let left = offsetM;
  for (let i = 0; i + 1 < g.length; i++) {
    const [x0, y0] = g[i]!;
    const [x1, y1] = g[i + 1]!;
    const kx = mPerDegLon(y0);
    const dx = (x1 - x0) * kx;
    const dy = (y1 - y0) * M_PER_DEG;
    const len = Math.hypot(dx, dy);
    const heading = ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
    if (left <= len || i + 2 === g.length) {
      const f = len === 0 ? 0 : Math.min(1, left / len);
      return { lon: x0 + (x1 - x0) * f, lat: y0 + (y1 - y0) * f, heading };
    }
    left -= len;
  }
  const [x, y] = g[0]!;
  return { lon: x, lat: y, heading: 0 };
}

export async function startKafkaFleetFeed(deps: {
  readonly kafka: KafkaClient;
  readonly topicPrefix: string;
  readonly network: RoadNetwork;
  readonly cars: number;
  readonly rateHz: number;
  readonly seed: string;
}): Promise<KafkaFleetFeed> {
  const { network } = deps;
  const rng = new Rng(`${deps.seed}-feed`);
  const fleet = new FleetGenerator({ seed: deps.seed });
  const producer = await deps.kafka.producer({ acksAll: false });
  const statusTopic = kafkaTopicName('vehicleStatus', deps.topicPrefix);
  const telemetryTopic = kafkaTopicName('telemetry', deps.topicPrefix);
  const cars: Car[] = [];
  const now = Date.now();
  const statuses: OutRecord[] = [];
  for (let i = 0; i < deps.cars; i++) {
    const spec = fleet.car(i);
    const seg = Math.floor(rng.float() * network.segments.length);
    const s = network.segments[seg]!;
    cars.push({
      vin: spec.vin,
      seg,
      offsetM: rng.float() * s.lengthM,
      speedMps: s.freeFlowMps * (0.5 + rng.float() / 2),
      seq: 0,
      odometerKm: 1000,
    });
    const status = {
      vin: spec.vin,
      state: 'online' as const,
      ts: now,
      connectedAt: now,
      firmware: spec.firmware,
      make: spec.make,
      model: spec.model,
      modelYear: spec.modelYear,
      powertrain: spec.powertrain,
      codec: 'binary' as const,
      plate: spec.plate,
    };
    statuses.push({ topic: statusTopic, key: spec.vin, value: encode('status', status, 'binary') });
  }
  for (let i = 0; i < statuses.length; i += 1000) await producer.send(statuses.slice(i, i + 1000));

  let sent = 0;
  let slot = 0;
  let busy = false;
  const periodMs = 1000 / deps.rateHz / SLOTS;
  const timer = setInterval(() => {
    if (busy) return; // Kafka is behind: skip a slot rather than queue without bound
    busy = true;
    const ts = Date.now();
    const records: OutRecord[] = [];
    for (let i = slot; i < cars.length; i += SLOTS) {
      const c = cars[i]!;
      c.offsetM += c.speedMps / deps.rateHz;
      let seg = network.segments[c.seg]!;
      while (c.offsetM > seg.lengthM) {
        c.offsetM -= seg.lengthM;
        const start = network.outStart[seg.to] ?? 0;
        const count = (network.outStart[seg.to + 1] ?? start) - start;
        c.seg =
          count > 0
            ? (network.outSegments[start + Math.floor(rng.float() * count)] ?? 0)
            : Math.floor(rng.float() * network.segments.length);
        seg = network.segments[c.seg]!;
        c.speedMps = seg.freeFlowMps * (0.5 + rng.float() / 2);
      }
      c.odometerKm += c.speedMps / deps.rateHz / 1000;
      const p = pointAt(network, c.seg, c.offsetM);
      const msg = {
        vin: c.vin,
        seq: c.seq++,
        ts,
        gps: {
          lat: Math.round(p.lat * 1e7) / 1e7,
          lon: Math.round(p.lon * 1e7) / 1e7,
          heading: Math.round(p.heading * 100) / 100,
          speedKmh: Math.round(c.speedMps * 360) / 100,
        },
        odometerKm: Math.round(c.odometerKm * 10) / 10,
        ignition: true,
        gear: 'D' as const,
      };
      records.push({ topic: telemetryTopic, key: c.vin, value: encode('telemetry', msg, 'binary'), timestamp: ts });
    }
    slot = (slot + 1) % SLOTS;
    producer
      .send(records)
      .then(() => (sent += records.length))
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, periodMs);
  return {
    sent: () => sent,
    async close() {
      clearInterval(timer);
      await producer.close();
    },
  };
}
