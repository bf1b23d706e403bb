/** The shipped topology (app/topology.ts, app/layout.ts processConfig): pure planning, per core count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND_ROLES } from '../../../backend/config.js';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { defaultEdges, describePlan, planStack } from '../../../app/topology.js';
import { EDGE_NODE_OPTIONS, processConfig } from '../../../app/layout.js';
import { basePlanInput } from '../../helpers/plan.js';

const base = basePlanInput;

test('sizing rule: half the cores to the edges, at least one', () => {
  assert.deepEqual([1, 2, 3, 4, 7, 8, 16].map(defaultEdges), [1, 1, 1, 2, 3, 4, 8]);
});

test('2 cores: one edge and the services process on the public port, no Redis', () => {
  const plan = planStack(base);
  assert.equal(plan.mode, 'split');
  assert.equal(plan.clustered, false);
  assert.equal(describePlan(plan), 'edge-1 (broker+bridge), services (bridge+commands+geofencing+traffic+dashboard)');
  assert.deepEqual(
    plan.processes.map((p) => [p.name, p.publicHttp]),
    [
      ['edge-1', false],
      ['services', true],
    ],
  );
  assert.deepEqual(plan.processes[0]?.nodeOptions, EDGE_NODE_OPTIONS);
  assert.deepEqual(plan.processes[1]?.nodeOptions, []);
});

test('8 cores: four clustered edges; --edges and geofencing instances override', () => {
  const eight = planStack({ ...base, cores: 8 });
  assert.equal(eight.edges, 4);
  assert.equal(eight.clustered, true);
  assert.deepEqual(
    eight.processes.map((p) => p.name),
    ['edge-1', 'edge-2', 'edge-3', 'edge-4', 'services'],
  );
  const asked = planStack({ ...base, cores: 8, edges: 3, instances: { geofencing: 3 } });
  assert.deepEqual(
    asked.processes.map((p) => `${p.name}:${p.roles.join('+')}`),
    [
      'edge-1:broker+bridge',
      'edge-2:broker+bridge',
      'edge-3:broker+bridge',
      'services:bridge+commands+geofencing+traffic+dashboard',
      'geofencing-2:bridge+commands+geofencing',
      'geofencing-3:bridge+commands+geofencing',
    ],
  );
  assert.equal(asked.reason, 'stack.edges=3');
  assert.equal(asked.processes.filter((p) => p.publicHttp).length, 1);
});

test('one process when asked, on one core, with an external broker, or without the broker and bridge pair', () => {
  for (const [input, reason] of [
    [{ ...base, singleProcess: true, cores: 16 }, '--single-process'],
    [{ ...base, cores: 1 }, 'one core'],
    [{ ...base, externalBroker: true, roles: BACKEND_ROLES.filter((r) => r !== 'broker') }, 'external MQTT broker (bridge.brokerUrl)'],
    [{ ...base, roles: ['bridge', 'geofencing'] }, 'backend.roles without the broker and bridge pair'],
  ] as const) {
    const plan = planStack(input);
    assert.equal(plan.mode, 'single');
    assert.equal(plan.reason, reason);
    assert.equal(plan.processes.length, 1);
    assert.deepEqual(plan.processes[0]?.roles, input.roles);
  }
  // one core but edges asked for: split anyway
  assert.equal(planStack({ ...base, cores: 1, edges: 2 }).mode, 'split');
});

test('broker and bridge only: the first edge serves /metrics and /health on the public port', () => {
  const plan = planStack({ ...base, cores: 4, roles: ['broker', 'bridge'] });
  assert.deepEqual(
    plan.processes.map((p) => [p.name, p.publicHttp]),
    [
      ['edge-1', true],
      ['edge-2', false],
    ],
  );
});

test('processConfig: edge ports per index, Redis, the downlink to one edge when clustered and to all when not', () => {
  const config = loadConfig(configSchema, { env: {}, flags: {} });
  const account = { username: 'v2x-command-downlink', password: 'secret-password' };
  const plan = planStack({ ...base, cores: 4 });
  const [e1, e2, services] = plan.processes;
  const wiring = { account, edgeUrls: ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1884'], redisUrl: 'redis://127.0.0.1:6390' };
  const c2 = processConfig(config, e2!, wiring);
  assert.deepEqual([c2.mqtt.port, c2.mqtt.wsPort, c2.mqtt.tlsPort, c2.mqtt.redisUrl], [1884, 8084, 8884, 'redis://127.0.0.1:6390']);
  assert.equal(c2.backend.httpPort, 0);
  assert.deepEqual(c2.backend.roles, ['broker', 'bridge']);
  assert.equal(c2.bridge.commands, false);
  assert.ok(c2.mqtt.services.some((s) => s.username === account.username));
  assert.equal(processConfig(config, e1!, wiring).mqtt.port, 1883);
  // a restart comes back on the ports its previous instance had
  const again = processConfig(config, e2!, { ...wiring, previous: { mqttUrl: 'mqtt://127.0.0.1:40001', wsPort: 40002, tlsPort: 40003 } });
  assert.deepEqual([again.mqtt.port, again.mqtt.wsPort, again.mqtt.tlsPort], [40001, 40002, 40003]);

  const s = processConfig(config, services!, wiring);
  assert.equal(s.backend.httpPort, 3000);
  assert.deepEqual(s.backend.roles, ['bridge', 'commands', 'geofencing', 'traffic', 'dashboard']);
  assert.equal(s.bridge.uplink, false);
  assert.equal(s.bridge.brokerUrl, 'mqtt://127.0.0.1:1883', 'clustered: one edge gets each command (Redis routes it to the car)');
  assert.equal(
    processConfig(config, services!, { ...wiring, redisUrl: '' }).bridge.brokerUrl,
    'mqtt://127.0.0.1:1883,mqtt://127.0.0.1:1884',
  );
});

test('traffic instances: workers of the traffic role; geofencing workers without commands in the stack stay geofencing only', () => {
  const plan = planStack({ ...base, cores: 4, instances: { geofencing: 2, traffic: 3 } });
  assert.deepEqual(
    plan.processes.filter((p) => p.kind === 'worker').map((p) => `${p.name}:${p.roles.join('+')}`),
    ['geofencing-2:bridge+commands+geofencing', 'traffic-2:traffic', 'traffic-3:traffic'],
  );
  const noCommands = planStack({ ...base, cores: 4, roles: base.roles.filter((r) => r !== 'commands'), instances: { geofencing: 2 } });
  assert.deepEqual(
    noCommands.processes.filter((p) => p.kind === 'worker').map((p) => p.roles.join('+')),
    ['geofencing'],
  );
  // a geofencing worker is a command service with a downlink session of its own on the edges
  const config = loadConfig(configSchema, { env: {}, flags: {} });
  const account = { username: 'v2x-command-downlink', password: 'secret-password' };
  const wiring = { account, edgeUrls: ['mqtt://127.0.0.1:1883'], redisUrl: '' };
  const worker = plan.processes.find((p) => p.name === 'geofencing-2')!;
  const w = processConfig(config, worker, wiring);
  const services = processConfig(
    config,
    plan.processes.find((p) => p.name === 'services')!,
    wiring,
  );
  assert.deepEqual(w.backend.roles, ['bridge', 'commands', 'geofencing']);
  assert.equal(w.backend.httpPort, 0);
  assert.equal(w.bridge.uplink, false);
  assert.equal(w.bridge.clientId, 'v2x-command-downlink-geofencing-2');
  assert.notEqual(w.bridge.clientId, services.bridge.clientId);
  assert.deepEqual(
    processConfig(
      config,
      plan.processes.find((p) => p.name === 'traffic-2')!,
      wiring,
    ).backend.roles,
    ['traffic'],
  );
});

test('command instances: workers running the command service with a downlink session of their own and the API', () => {
  const plan = planStack({ ...base, cores: 4, instances: { geofencing: 1, commands: 2 } });
  assert.deepEqual(
    plan.processes.filter((p) => p.kind === 'worker').map((p) => `${p.name}:${p.roles.join('+')}`),
    ['commands-2:bridge+commands'],
  );
  assert.deepEqual(
    planStack({
      ...base,
      cores: 4,
      roles: base.roles.filter((r) => r !== 'commands'),
      instances: { geofencing: 1, commands: 3 },
    }).processes.filter((p) => p.kind === 'worker'),
    [],
    'no command workers without the commands role',
  );
  const config = loadConfig(configSchema, { env: {}, flags: { 'stack.instances.commands': 2 } });
  assert.equal(config.stack.instances.commands, 2);
  const account = { username: 'v2x-command-downlink', password: 'secret-password' };
  const w = processConfig(
    config,
    plan.processes.find((p) => p.name === 'commands-2')!,
    { account, edgeUrls: ['mqtt://127.0.0.1:1883'], redisUrl: '' },
  );
  assert.deepEqual(w.backend.roles, ['bridge', 'commands']);
  assert.equal(w.backend.httpPort, 0);
  assert.equal(w.bridge.uplink, false);
  assert.equal(w.bridge.clientId, 'v2x-command-downlink-commands-2');
});
