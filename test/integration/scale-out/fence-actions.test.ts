/**
 * Fence actions on two geofencing instances (issue 15): each instance runs the command service
 * beside geofencing, as the split layout's geofencing workers do, and owns part of the cars'
 * telemetry partitions. Twenty cars drive into a fence whose `enter` sends a command: every car gets
 * exactly one, created by whichever instance owns its partition (before, the worker's were dropped),
 * and the metrics of both instances count the actions they created.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionOfKey } from '../../../backend/kafka/partitioner.js';
import type { GeofencingRole } from '../../../backend/services/geofencing/role.js';
import type { Fence } from '../../../backend/services/geofencing/index.js';
import type { RunningBackend } from '../../../backend/app.js';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, startTestBackend, testVin } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { distinctCommands, line, square, testCar } from '../geofencing/helpers.js';

const CARS = 20;

test('fence actions on two geofencing instances: the owner of each car sends its command, each car gets one', async (t) => {
  const { brokers } = await testKafka(t);
  const configA = backendConfig(brokers, { 'backend.roles': 'broker,bridge,commands,geofencing' });
  const configB = backendConfig(brokers, { 'backend.roles': 'commands,geofencing', 'bridge.topicPrefix': configA.bridge.topicPrefix });
  const { backend: a } = await startTestBackend(t, configA, 'geo-a');
  const { backend: b } = await startTestBackend(t, configB, 'geo-b');
  const partitions = (x: RunningBackend): number[] =>
    (x.health() as { geofencing?: { partitions?: number[] } }).geofencing?.partitions ?? [];
  await waitFor(() => partitions(a).length > 0 && partitions(b).length > 0 && partitions(a).length + partitions(b).length === 12, {
    timeoutMs: 60_000,
    what: 'the telemetry partitions split between the two instances',
  });
  const geo = a.services.get('geofencing') as GeofencingRole;
  await geo.service.put({
    id: 'slow-zone',
    name: 'Slow zone',
    geometry: { type: 'Polygon', coordinates: [square(0, 0, 100)] },
    tags: [],
    enabled: true,
    actions: [{ on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 30 } } }],
  } as Fence);
  const other = b.services.get('geofencing') as GeofencingRole;
  await waitFor(() => other.service.fence('slow-zone') !== undefined, { timeoutMs: 30_000, what: 'the fence on B' });

  const vins = Array.from({ length: CARS }, (_, i) => testVin(2100 + i));
  const owners = vins.map((v) => (partitions(b).includes(partitionOfKey(v, 12)) ? 'b' : 'a'));
  assert.ok(owners.includes('a') && owners.includes('b'), `cars on both instances: ${owners.join('')}`);
  const cars = await Promise.all(vins.map((v) => testCar(t, a.broker!.tcpUrl, v, configA.mqtt.fleetKey)));
  await Promise.all(cars.map((c, i) => c.drive(line(-300, 0, 50, (i % 5) * 10))));
  await waitFor(() => cars.every((c) => c.commands.length >= 1), { timeoutMs: 60_000, what: 'a command at every car' });

  for (const [i, c] of cars.entries())
    assert.deepEqual(
      distinctCommands(c).map((x) => [x.type, x.params]),
      [['set_speed_limit', { kmh: 30 }]],
      `car ${i} (owned by ${owners[i]}) got its action once`,
    );
  const created = async (x: RunningBackend): Promise<number> => {
    const text = await (await fetch(`${x.httpUrl}/metrics`)).text();
    return Number(/^v2x_geofence_actions_total\{outcome="created"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const [fromA, fromB] = [await created(a), await created(b)];
  t.diagnostic(
    `actions created: A ${fromA}, B ${fromB}; cars owned: A ${owners.filter((o) => o === 'a').length}, B ${owners.filter((o) => o === 'b').length}`,
  );
  assert.equal(fromA + fromB, CARS);
  assert.equal(fromB, owners.filter((o) => o === 'b').length, 'B sent the actions of the cars it owns');
});
