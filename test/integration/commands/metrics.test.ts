/**
 * The command service's Prometheus metrics, scraped from the backend's /metrics while commands go
 * through the real chain: created by type, transitions by state, in flight, POST -> terminal
 * latency, TTL expiries, and a re-send (a car that went to sleep with a SENT command and woke up).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBackendOnTestKafka, testVin } from '../../helpers/backend.js';
import { apiClient, OPERATOR, testCar, TOKENS, VIEWER, waitForStatus, waitKnown } from './helpers.js';

/** The value of one sample of the Prometheus text format (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v) && Object.keys(got).length === Object.keys(labels).length) {
      return Number(m[3]);
    }
  }
  return undefined;
}

test('command metrics on /metrics: created, transitions, in flight, latency, expiries, re-sends', async (t) => {
  const { config, backend } = await startBackendOnTestKafka(t, { 'api.tokens': TOKENS.join(',') });
  const api = apiClient(backend.httpUrl);
  const url = backend.broker!.tcpUrl;
  const key = config.mqtt.fleetKey;
  const scrape = async (): Promise<string> => (await fetch(`${backend.httpUrl}/metrics`)).text();

  const [quiet, happy, sleeper] = [testVin(401), testVin(402), testVin(403)];
  await testCar(t, url, quiet, key, 'silent');
  await testCar(t, url, happy, key, 'succeed');
  const asleep = await testCar(t, url, sleeper, key, 'silent');
  for (const vin of [quiet, happy, sleeper]) await waitKnown(api, vin);

  // a command nobody answers: TIMED_OUT at its TTL (started first, it runs while the others go)
  const honk = await api('POST', `/api/v1/vehicles/${quiet}/commands`, OPERATOR, { type: 'honk', ttlSeconds: 1 });
  assert.equal(honk.status, 202);
  // sent to a car that then sleeps: SENT, re-sent when the car comes back, then SUCCEEDED
  const lock = await api('POST', `/api/v1/vehicles/${sleeper}/commands`, OPERATOR, { type: 'lock', ttlSeconds: 60 });
  assert.equal(lock.status, 202);
  const lockId = String(lock.body.commandId);
  await waitForStatus(api, lockId, 'SENT');
  const inFlight = sample(await scrape(), 'v2x_commands_in_flight');
  assert.ok(inFlight !== undefined && inFlight >= 1, `in flight while the lock waits (${inFlight})`);
  await asleep.sleep();
  const unlock = await api('POST', `/api/v1/vehicles/${happy}/commands`, OPERATOR, { type: 'unlock', ttlSeconds: 30 });
  assert.equal(unlock.status, 202);
  await waitForStatus(api, String(unlock.body.commandId), 'SUCCEEDED');
  const woken = await testCar(t, url, sleeper, key, 'succeed');
  const { body } = await waitForStatus(api, lockId, 'SUCCEEDED');
  assert.equal(body.sendCount, 2, 'sent, then re-sent after the car woke');
  assert.deepEqual(woken.received, [lockId]);
  await waitForStatus(api, String(honk.body.commandId), 'TIMED_OUT', 20_000);
  assert.equal((await api('GET', `/api/v1/commands/${lockId}`, VIEWER)).status, 200);

  const text = await scrape();
  assert.equal(sample(text, 'v2x_commands_created_total', { type: 'honk' }), 1);
  assert.equal(sample(text, 'v2x_commands_created_total', { type: 'lock' }), 1);
  assert.equal(sample(text, 'v2x_commands_created_total', { type: 'unlock' }), 1);
  assert.equal(sample(text, 'v2x_commands_transitions_total', { to: 'CREATED' }), 3);
  assert.equal(sample(text, 'v2x_commands_transitions_total', { to: 'SENT' }), 3);
  assert.equal(sample(text, 'v2x_commands_transitions_total', { to: 'DELIVERED' }), 2);
  assert.equal(sample(text, 'v2x_commands_transitions_total', { to: 'SUCCEEDED' }), 2);
  assert.equal(sample(text, 'v2x_commands_transitions_total', { to: 'TIMED_OUT' }), 1);
  assert.equal(sample(text, 'v2x_commands_expired_total', { from: 'SENT' }), 1);
  assert.equal(sample(text, 'v2x_commands_resends_total'), 1);
  assert.equal(sample(text, 'v2x_commands_in_flight'), 0);
  assert.equal(sample(text, 'v2x_commands_completion_seconds_count', { status: 'SUCCEEDED' }), 2);
  assert.equal(sample(text, 'v2x_commands_completion_seconds_count', { status: 'TIMED_OUT' }), 1);
  const sum = sample(text, 'v2x_commands_completion_seconds_sum', { status: 'TIMED_OUT' }) ?? 0;
  assert.ok(sum >= 0.99 && sum < 15, `the honk timed out about its 1 s TTL after the POST (${sum} s)`);
  const fast = sample(text, 'v2x_commands_completion_seconds_bucket', { status: 'SUCCEEDED', le: '60' });
  assert.equal(fast, 2, 'both successes within a minute');
});
