/** `v2x up`'s ready screen and status line (cli/ready-screen.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainReadyLines, readyScreen, statusText } from '../../../cli/ready-screen.js';
import type { Stack } from '../../../cli/stack.js';
import { planStack } from '../../../app/topology.js';
import { basePlanInput } from '../../helpers/plan.js';
import { BACKEND_ROLES } from '../../../backend/config.js';

const stack: Stack = {
  kafka: { brokers: ['127.0.0.1:9092'], owned: true } as unknown as Stack['kafka'],
  plan: planStack({ ...basePlanInput, cores: 4 }),
  httpUrl: 'http://127.0.0.1:3000',
  mqttUrls: ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1884'],
  wsUrl: 'ws://127.0.0.1:8083/mqtt',
  tlsUrl: undefined,
  redisUrl: 'redis://127.0.0.1:6390',
  roles: new Set(BACKEND_ROLES),
  backend: undefined,
  supervisor: undefined,
};
const info = { stack, seconds: 12.34, tokens: 'in api.tokens (3)', simulator: '1000 cars on the built-in city -> mqtt://...' };

test('the screen names the dashboard, the API, MQTT, metrics and the processes', () => {
  const text = readyScreen(info).join('\n');
  assert.match(text, /v2x is up \(12\.3 s\)/);
  assert.match(text, /dashboard +http:\/\/localhost:3000\//);
  assert.match(text, /MQTT +mqtt:\/\/127\.0\.0\.1:1883 {2}mqtt:\/\/127\.0\.0\.1:1884/);
  assert.match(text, /backend +3 processes for 4 cores: edge-1 \(broker\+bridge\), edge-2 \(broker\+bridge\), services/);
  assert.match(text, /edges clustered through redis:\/\/127\.0\.0\.1:6390/);
});

test('piped: the plain lines scripts read', () => {
  const lines = plainReadyLines(info);
  assert.match(
    lines[0] ?? '',
    /^v2x ready in 12\.3s: kafka 127\.0\.0\.1:9092 \| mqtt mqtt:\/\/127\.0\.0\.1:1883,mqtt:\/\/127\.0\.0\.1:1884 \| mqtt-ws/,
  );
  assert.ok(lines.includes('dashboard: http://localhost:3000/'));
  assert.ok(lines.includes('tokens: in api.tokens (3)'));
  assert.equal(lines.at(-1), 'simulator: 1000 cars on the built-in city -> mqtt://...');
});

test('status line: cars, rate, processes, restarts', () => {
  const before = { cars: 100, connected: 50, telemetry: 1000, running: 3, processes: 3, restarts: 0 };
  assert.equal(statusText({ ...before, connected: 100, telemetry: 1200 }, before, 2), 'cars 100/100 | 100 msg/s | processes 3/3');
  assert.equal(statusText({ ...before, cars: 0, running: 2, restarts: 1 }, undefined, 1), 'processes 2/3 | restarts 1');
});
