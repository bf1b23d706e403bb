/**
 * Clustered edges (decision 0026), for real: a local Redis, 3 edge processes and the command
 * service's process, wired and supervised as `v2x up` does (app/stack-processes.ts). A car (the
 * simulator's lean MQTT client, persistent session, QoS 1 subscription to its command topic, every
 * edge's address) on edge 1; edge 1 is SIGKILLed; a command sent through the REST API while the car
 * is away reaches it on another edge, once. Then HAProxy in front of the edges as the one address:
 * a car through it survives the SIGKILL of its edge the same way. Also: the stack's /metrics and
 * /health cover every process, and the supervisor brings edge 1 back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStack } from '../../../app/topology.js';
import { startStackProcesses, type StackProcesses } from '../../../app/stack-processes.js';
import { startLocalRedis } from '../../../infra/redis/launcher.js';
import { startHaproxy } from '../../../infra/haproxy/launcher.js';
import { SessionEmitter, SessionPool, type MqttSession } from '../../../mqtt/index.js';
import { carPassword } from '../../../protocol/credentials.js';
import { commandRequestTopic } from '../../../protocol/topics.js';
import { backendConfig, testVin } from '../../helpers/backend.js';
import { testKafka } from '../../helpers/kafka.js';
import { apiClient } from '../../helpers/api.js';
import { waitFor } from '../../helpers/poll.js';
import { basePlanInput } from '../../helpers/plan.js';

type After = { after(fn: () => unknown): void };

/** One car on the lean client: persistent session, its command topic at QoS 1; counts commands by id. */
function leanCar(t: After, vin: string, fleetKey: string, servers: readonly { host: string; port: number }[], reconnectMs: number) {
  const events = new SessionEmitter<number>();
  const received = new Map<string, number>();
  events.on('message', (_s, m) => {
    const id = (JSON.parse(m.payload.toString()) as { commandId?: string }).commandId ?? '?';
    received.set(id, (received.get(id) ?? 0) + 1);
  });
  const ports: number[] = [];
  events.on('connected', (s) => ports.push(s.options.transport.port));
  const pool = new SessionPool<number>({ events, rampPerSecond: Number.POSITIVE_INFINITY });
  t.after(() => pool.close());
  const [first] = servers;
  const session: MqttSession<number> = pool.add(
    {
      clientId: vin,
      username: vin,
      password: carPassword(fleetKey, vin),
      transport: { host: first!.host, port: first!.port },
      ...(servers.length > 1 && { failover: servers }),
      clean: false,
      keepalive: 30,
      reconnect: { baseMs: reconnectMs, maxMs: reconnectMs, jitter: 0, seed: 1 },
      subscriptions: [{ topic: commandRequestTopic(vin), qos: 1 }],
    },
    0,
  );
  return { pool, events, session, received, connects: () => ports.length };
}

const hostPort = (url: string): { host: string; port: number } => {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
};

async function clusterStack(t: After): Promise<{ stack: StackProcesses; fleetKey: string; api: ReturnType<typeof apiClient> }> {
  const kafka = await testKafka(t);
  const redis = await startLocalRedis();
  const config = backendConfig(kafka.brokers, {
    'backend.roles': 'broker,bridge,commands',
    'commands.acceptAnyVin': true,
    'stack.restartMaxMs': 1000,
    // the test car never reports a result: without this the timed resend (5 s) would send the same
    // command again on a slow run, and "once" would measure the resend, not the clustered queue
    'commands.resendAfterMs': 0,
  });
  const plan = planStack({ ...basePlanInput, roles: ['broker', 'bridge', 'commands'], edges: 3 });
  assert.equal(plan.clustered, true);
  const stack = await startStackProcesses(config, plan, { redisUrl: redis.url, logLevel: 'warn', logFormat: 'json' });
  // node:test runs after-hooks in order: stop the processes, then Redis
  t.after(() => stack.supervisor.stop());
  t.after(() => redis.stop());
  return { stack, fleetKey: config.mqtt.fleetKey, api: apiClient(`${stack.publicProcess.httpUrl}/api/v1`) };
}

async function sendCommand(api: ReturnType<typeof apiClient>, vin: string): Promise<string> {
  const res = await api<{ commandId: string }>('POST', `/vehicles/${vin}/commands`, 'demo-operator-token', { type: 'flash_lights' });
  assert.ok(res.status === 202 || res.status === 200, `command accepted: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.commandId;
}

const edgePid = (stack: StackProcesses, name: string): number => {
  const p = stack.supervisor.processes.find((x) => x.spec.name === name)?.current;
  assert.ok(p, `${name} is running`);
  return p.pid;
};

test(
  '3 clustered edges: the car whose edge is SIGKILLed gets the command queued while it was away, once',
  { timeout: 180_000 },
  async (t) => {
    const { stack, fleetKey, api } = await clusterStack(t);
    assert.equal(stack.edgeUrls.length, 3);
    const vin = testVin(1601);
    const car = leanCar(t, vin, fleetKey, stack.edgeUrls.map(hostPort), 3000);
    await car.pool.start();
    await car.pool.whenConnected(1, 30_000);
    assert.equal(car.session.options.transport.port, hostPort(stack.edgeUrls[0]!).port, 'the car starts on edge 1');

    // the path works (and the subscription is in place) before the fault
    const before = await sendCommand(api, vin);
    await waitFor(() => car.received.has(before), { timeoutMs: 30_000, what: 'the first command at the car' });

    // one view of the stack: every process in /health, every edge's series in /metrics
    const health = (await (await fetch(`${stack.publicProcess.httpUrl}/health`)).json()) as {
      processes: { name: string; state: string }[];
    };
    assert.deepEqual(
      health.processes.map((p) => `${p.name}:${p.state}`),
      ['edge-1:running', 'edge-2:running', 'edge-3:running', 'services:running'],
    );
    const metrics = await (await fetch(`${stack.publicProcess.httpUrl}/metrics`)).text();
    for (const name of ['edge-1', 'edge-2', 'edge-3'])
      assert.match(metrics, new RegExp(`v2x_broker_connected_clients\\{process="${name}",role="edge"\\} \\d+`));

    const killedPid = edgePid(stack, 'edge-1');
    const lost = car.events.next('disconnected');
    process.kill(killedPid, 'SIGKILL');
    await lost;
    // sent while the car waits out its 3 s backoff; the downlink's edge (edge 1) is down too, and
    // comes back under the supervisor
    const away = await sendCommand(api, vin);
    await waitFor(() => car.received.has(away), { timeoutMs: 60_000, what: 'the command sent while the car was away' });
    const after = await sendCommand(api, vin); // behind any duplicate of `away` on the car's one connection
    await waitFor(() => car.received.has(after), { timeoutMs: 30_000, what: 'a command after the reconnect' });
    assert.equal(car.received.get(away), 1, `received exactly once: ${JSON.stringify([...car.received])}`);
    assert.equal(car.received.get(before), 1);

    await waitFor(() => stack.supervisor.processes.find((p) => p.spec.name === 'edge-1')?.state === 'running', {
      timeoutMs: 30_000,
      what: 'edge 1 restarted by the supervisor',
    });
    assert.notEqual(edgePid(stack, 'edge-1'), killedPid);
    assert.equal(stack.supervisor.processes.find((p) => p.spec.name === 'edge-1')?.restarts, 1);
  },
);

test('HAProxy in front of the edges: one address; the car survives the SIGKILL of its edge', { timeout: 180_000 }, async (t) => {
  const { stack, fleetKey, api } = await clusterStack(t);
  const haproxy = await startHaproxy(stack.edgeUrls.map(hostPort));
  t.after(() => haproxy.stop());
  const clientsPerEdge = async (): Promise<Map<string, number>> => {
    const h = (await (await fetch(`${stack.publicProcess.httpUrl}/health`)).json()) as {
      processes: { name: string; health?: { clients?: number } }[];
    };
    return new Map(h.processes.filter((p) => p.name.startsWith('edge-')).map((p) => [p.name, p.health?.clients ?? 0]));
  };
  const base = await clientsPerEdge();
  const vin = testVin(1602);
  const car = leanCar(t, vin, fleetKey, [hostPort(haproxy.url)], 500);
  await car.pool.start();
  await car.pool.whenConnected(1, 30_000);
  let edge = '';
  await waitFor(
    async () => {
      const now = await clientsPerEdge();
      edge = [...now].find(([name, n]) => n > (base.get(name) ?? 0))?.[0] ?? '';
      return edge !== '';
    },
    { timeoutMs: 10_000, what: "the car's edge behind HAProxy" },
  );
  const first = await sendCommand(api, vin);
  await waitFor(() => car.received.has(first), { timeoutMs: 30_000, what: 'a command through HAProxy' });

  const connects = car.connects();
  process.kill(edgePid(stack, edge), 'SIGKILL');
  await waitFor(() => car.connects() > connects, { timeoutMs: 30_000, what: 'the car reconnected through HAProxy' });
  const second = await sendCommand(api, vin);
  await waitFor(() => car.received.has(second), { timeoutMs: 60_000, what: 'a command after the failover' });
  assert.equal(car.received.get(second), 1);
  t.diagnostic(`car was on ${edge}; reconnected after its SIGKILL (${car.connects()} connections)`);
});
