/**
 * Two dashboard instances on one Kafka (one beside the broker and bridge, one alone and started
 * later): each reads the whole fleet from Kafka through consumer groups of its own, so either
 * serves any browser the same fleet; a fix published after both started reaches both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode, statusTopic, telemetryTopic, type Telemetry } from '../../../protocol/index.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, connectCar, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';

const VIEWER = 'viewer-token-1';
const TOKENS = ['vic:viewer:viewer-token-1'];
const CARS = 20;

interface Page {
  items: { vin: string; online: boolean; speedKmh?: number }[];
  total: number;
}

test(
  'dashboard on two instances: each serves the whole fleet, read from Kafka with a group of its own',
  { timeout: 180_000 },
  async (t) => {
    const { brokers } = await testKafka(t);
    const configA = backendConfig(brokers, { 'backend.roles': 'broker,bridge,dashboard', 'api.tokens': TOKENS.join(',') });
    const { backend: a } = await startTestBackend(t, configA);
    const vins = Array.from({ length: CARS }, (_, i) => testVin(900 + i));
    const cars = [];
    const fix = (vin: string, speedKmh: number): Buffer =>
      encode('telemetry', {
        vin,
        seq: speedKmh,
        ts: Date.now(),
        gps: { lat: 48.1, lon: 11.5, heading: 90, speedKmh },
        odometerKm: 1000,
        ignition: true,
        gear: 'D',
        socPct: 80,
      } satisfies Telemetry);
    for (const vin of vins) {
      const car = await connectCar(t, a.broker!.tcpUrl, vin, configA.mqtt.fleetKey);
      cars.push(car);
      const now = Date.now();
      await car.publishAsync(
        statusTopic(vin),
        encode('status', {
          vin,
          state: 'online',
          ts: now,
          connectedAt: now,
          firmware: '1.0.0',
          make: 'BMW',
          model: 'i4',
          modelYear: 2023,
          powertrain: 'bev',
        }),
        { qos: 1, retain: true },
      );
      await car.publishAsync(telemetryTopic(vin), fix(vin, 10), { qos: 1 });
    }

    // the second instance starts after the cars: it learns the fleet from the compacted status topic
    const configB = backendConfig(brokers, {
      'backend.roles': 'dashboard',
      'api.tokens': TOKENS.join(','),
      'bridge.topicPrefix': configA.bridge.topicPrefix,
    });
    const { backend: b } = await startTestBackend(t, configB);
    const page = async (url: string): Promise<Page> => {
      const res = await fetch(`${url}/api/v1/vehicles?limit=100`, { headers: { authorization: `Bearer ${VIEWER}` } });
      assert.equal(res.status, 200);
      return (await res.json()) as Page;
    };
    for (const x of [a, b]) {
      await waitFor(async () => (await page(x.httpUrl)).items.filter((v) => v.online).length === CARS, {
        timeoutMs: 30_000,
        what: `${CARS} cars online at ${x.httpUrl}`,
      });
    }

    // a fix after both started reaches both (each has its own telemetry group, not a shared one)
    for (const [i, car] of cars.entries()) await car.publishAsync(telemetryTopic(vins[i]!), fix(vins[i]!, 77), { qos: 1 });
    for (const x of [a, b]) {
      await waitFor(async () => (await page(x.httpUrl)).items.filter((v) => v.speedKmh === 77).length === CARS, {
        timeoutMs: 30_000,
        what: `every car's new fix at ${x.httpUrl}`,
      });
    }
    const [pa, pb] = [await page(a.httpUrl), await page(b.httpUrl)];
    assert.deepEqual(
      pb.items.map((v) => v.vin),
      pa.items.map((v) => v.vin),
      'the same fleet on both',
    );
    assert.equal(pb.total, CARS);
  },
);
