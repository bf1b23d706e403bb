/**
 * The command lifecycle end to end through the real parts: REST -> command service -> Kafka ->
 * bridge -> embedded MQTT broker -> a car (a real MQTT client) -> back. Unlock on a parked car
 * succeeds; a car that refuses gives REJECTED with its reason; a sleeping car gets the command when
 * it wakes; a car that never answers gives TIMED_OUT at the TTL; the audit trail names the principal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkaTopicName } from '../../../protocol/index.js';
import { collect, startBackendOnTestKafka, testVin } from '../../helpers/backend.js';
import { apiClient, OPERATOR, testCar, TOKENS, waitForStatus, waitKnown } from './helpers.js';

test('commands through the whole chain: succeeded, rejected, delivered after sleep, timed out', async (t) => {
  const { config, backend, kafka } = await startBackendOnTestKafka(t, { 'api.tokens': TOKENS.join(',') });
  const api = apiClient(backend.httpUrl);
  const url = backend.broker!.tcpUrl;
  const key = config.mqtt.fleetKey;
  const audit = await collect(t, kafka, kafkaTopicName('commandAudit', config.bridge.topicPrefix));

  await t.test('unlock on a parked car -> SUCCEEDED, every state on the way', async () => {
    const vin = testVin(101);
    const car = await testCar(t, url, vin, key, 'succeed');
    await waitKnown(api, vin);
    const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'unlock', params: {}, ttlSeconds: 30 });
    assert.equal(post.status, 202);
    assert.ok(['CREATED', 'SENT'].includes(String(post.body.status)));
    const id = String(post.body.commandId);
    const { body } = await waitForStatus(api, id, 'SUCCEEDED');
    assert.equal(body.principal, 'op');
    assert.deepEqual(car.received, [id]);
    const entries = await (async () => {
      await audit.until(4);
      for (let i = 0; i < 100; i++) {
        const mine = audit.records
          .map((r) => JSON.parse(r.value!.toString()) as { commandId: string; to: string; actor: { kind: string; id: string } })
          .filter((e) => e.commandId === id);
        if (mine.some((e) => e.to === 'SUCCEEDED')) return mine;
        await audit.until(audit.records.length + 1, 1000);
      }
      return [];
    })();
    assert.deepEqual(
      entries.map((e) => e.to),
      ['CREATED', 'SENT', 'DELIVERED', 'SUCCEEDED'],
    );
    assert.deepEqual(entries[0]?.actor, { kind: 'principal', id: 'op' });
    assert.deepEqual(entries[2]?.actor, { kind: 'car', id: vin });
  });

  await t.test('a long poll (GET ?waitMs) answers once the command has finished', async () => {
    const vin = testVin(105);
    await testCar(t, url, vin, key, 'succeed');
    await waitKnown(api, vin);
    const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'flash_lights', ttlSeconds: 30 });
    assert.equal(post.status, 202);
    const got = await api('GET', `/api/v1/commands/${String(post.body.commandId)}?waitMs=30000`, OPERATOR);
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'SUCCEEDED');
  });

  await t.test('a car that refuses -> REJECTED with its reason', async () => {
    const vin = testVin(102);
    await testCar(t, url, vin, key, { reject: 'precondition_failed', message: 'the car is moving' });
    await waitKnown(api, vin);
    const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'open_trunk', ttlSeconds: 30 });
    assert.equal(post.status, 202);
    const { body } = await waitForStatus(api, String(post.body.commandId), 'REJECTED');
    assert.equal(body.reason, 'precondition_failed');
    assert.equal(body.message, 'the car is moving');
  });

  await t.test('a sleeping car: the command waits, is delivered when the car wakes', async () => {
    const vin = testVin(103);
    const first = await testCar(t, url, vin, key, 'silent');
    await waitKnown(api, vin);
    await first.sleep();
    // the service must have seen the car go to sleep before the command is created
    const list = await api<{ commands: unknown[] }>('GET', `/api/v1/vehicles/${vin}/commands`, OPERATOR);
    assert.equal(list.status, 200);
    let id = '';
    const { seen } = await (async () => {
      for (let attempt = 0; ; attempt++) {
        const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, {
          type: 'lock',
          ttlSeconds: 60,
          idempotencyKey: `sleep-${attempt}`,
        });
        assert.equal(post.status, 202);
        id = String(post.body.commandId);
        const got = await api('GET', `/api/v1/commands/${id}`, OPERATOR);
        if (got.body.status === 'CREATED' && got.body.sendCount === 0) return { seen: ['CREATED'] };
        assert.ok(attempt < 50, 'the service never saw the car asleep');
        await api('DELETE', `/api/v1/commands/${id}`, OPERATOR);
      }
    })();
    assert.deepEqual(seen, ['CREATED']);
    const woken = await testCar(t, url, vin, key, 'succeed');
    await waitForStatus(api, id, 'SUCCEEDED');
    assert.deepEqual(
      woken.received.filter((c) => c === id),
      [id],
      'delivered once, after waking',
    );
    assert.deepEqual(
      first.received.filter((c) => c === id),
      [],
    );
  });

  await t.test('a car that never answers -> TIMED_OUT at its TTL', async () => {
    const vin = testVin(104);
    const car = await testCar(t, url, vin, key, 'silent');
    await waitKnown(api, vin);
    const started = Date.now();
    const post = await api('POST', `/api/v1/vehicles/${vin}/commands`, OPERATOR, { type: 'honk', ttlSeconds: 2 });
    const { body } = await waitForStatus(api, String(post.body.commandId), 'TIMED_OUT', 20_000);
    assert.ok(Date.now() - started >= 1900, 'not before the TTL');
    assert.ok(Number(body.updatedAt) >= Number(body.expiresAt));
    assert.deepEqual(car.received, [String(post.body.commandId)], 'the car got it but never answered');
  });
});
