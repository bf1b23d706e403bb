/**
 * The broker-restart case of docs/reliability.md at small scale, for real: the stack as `v2x up` lays
 * it out (one edge process: embedded broker and bridge; the services process: the command service
 * and its downlink), a real Kafka, simulated cars (clean sessions, QoS 1). The edge is SIGKILLed,
 * a command per car is POSTed while it is down, the supervisor starts it again and the cars come
 * back without their sessions: every command ends SUCCEEDED, executed once (one final result per
 * command: a resent request the car had seen is answered again with the same result, not run again).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStack } from '../../../app/topology.js';
import { startStackProcesses } from '../../../app/stack-processes.js';
import { createKafkaClient } from '../../../backend/kafka/index.js';
import { kafkaTopicName, tryDecode } from '../../../protocol/index.js';
import { FleetGenerator } from '../../../simulator/fleet/generate.js';
import { seedOf } from '../../../simulator/runtime/world.js';
import { backendConfig } from '../../helpers/backend.js';
import { testKafka } from '../../helpers/kafka.js';
import { apiClient } from '../../helpers/api.js';
import { waitFor } from '../../helpers/poll.js';
import { basePlanInput } from '../../helpers/plan.js';
import { runSim, simSettings } from '../sim/helpers.js';

const CARS = 60;
const SEED = '11';

test('edge SIGKILLed with commands POSTed meanwhile: every command SUCCEEDED, executed once', { timeout: 300_000 }, async (t) => {
  const kafka = await testKafka(t);
  const config = backendConfig(kafka.brokers, {
    'backend.roles': 'broker,bridge,commands',
    'commands.acceptAnyVin': true,
    'stack.restartMaxMs': 1000,
  });
  const plan = planStack({ ...basePlanInput, roles: ['broker', 'bridge', 'commands'], edges: 1 });
  const stack = await startStackProcesses(config, plan, { redisUrl: '', logLevel: 'warn', logFormat: 'json' });
  t.after(() => stack.supervisor.stop());
  const api = apiClient(`${stack.publicProcess.httpUrl}/api/v1`);
  const edge = () => stack.supervisor.processes.find((p) => p.spec.name === 'edge-1');

  // one final result per command and car-side timestamp: a second execution would be a second stamp
  const finals = new Map<string, Set<number>>();
  const client = createKafkaClient({ brokers: config.kafka.brokers, clientId: 'broker-restart-test', client: config.kafka.client });
  const results = await client.consumer({
    groupId: `broker-restart-${SEED}-${Date.now()}`,
    topics: [kafkaTopicName('commandResults', config.bridge.topicPrefix)],
    fromBeginning: true,
  });
  t.after(() => results.close());
  await results.start(async (records) => {
    for (const r of records) {
      const d = r.value === null ? undefined : tryDecode('commandResult', r.value);
      if (d?.ok !== true || d.value.status !== 'succeeded') continue;
      const stamps = finals.get(d.value.commandId) ?? new Set<number>();
      stamps.add(d.value.ts);
      finals.set(d.value.commandId, stamps);
    }
  });

  const sim = runSim(
    t,
    simSettings({
      broker: stack.edgeUrls[0],
      cars: CARS,
      seed: SEED,
      workers: 1,
      rate: 1,
      qos: 1,
      credentials: 'fleet-key',
      fleetKey: config.mqtt.fleetKey,
      sleep: false,
      coverageHolesPerHour: 0,
      commandDelayScale: 0,
      reconnectBaseMs: 500,
      reconnectMaxMs: 4000,
    }),
  );
  void sim.done;
  const vins = new FleetGenerator({ seed: seedOf(SEED) }).cars(0, CARS).map((c) => c.vin);
  const postToAll = (): Promise<string[]> =>
    Promise.all(
      vins.map(async (vin) => {
        const body = { type: 'flash_lights', ttlSeconds: 300 };
        const res = await api<{ commandId: string }>('POST', `/vehicles/${vin}/commands`, 'demo-operator-token', body);
        assert.equal(res.status, 202, JSON.stringify(res.body));
        return res.body.commandId;
      }),
    );
  const allSucceeded = async (ids: readonly string[]): Promise<void> => {
    let last: string[] = [];
    const statuses = () =>
      Promise.all(ids.map(async (id) => String((await api('GET', `/commands/${id}`, 'demo-operator-token')).body.status)));
    await waitFor(
      async () => {
        last = await statuses();
        return last.every((s) => s === 'SUCCEEDED');
      },
      { timeoutMs: 120_000, what: 'every command SUCCEEDED' },
    ).catch(() => assert.fail(`not every command SUCCEEDED: ${JSON.stringify(count(last))}`));
  };
  // the path works for every car (connected, subscribed, online on the service's side) before the fault
  await allSucceeded(await postToAll());
  const pid = edge()?.current?.pid;
  assert.ok(pid !== undefined, 'edge-1 is running');
  process.kill(pid, 'SIGKILL');
  const ids = await postToAll();
  await waitFor(() => edge()?.state === 'running' && edge()?.current?.pid !== pid, { timeoutMs: 60_000, what: 'edge-1 restarted' });

  await allSucceeded(ids);
  await waitFor(() => ids.every((id) => (finals.get(id)?.size ?? 0) >= 1), { timeoutMs: 30_000, what: 'every final result on Kafka' });
  const twice = ids.filter((id) => (finals.get(id)?.size ?? 0) > 1);
  assert.deepEqual(twice, [], 'no command executed twice');
});

function count(states: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of states) out[s] = (out[s] ?? 0) + 1;
  return out;
}
