/**
 * The service shell with an injected ManualClock over an in-memory Kafka boundary: TTL timers fire
 * at the TTL and not before, are re-armed after a rebuild, results move the state, an offline car
 * gets its command when it comes back. Simulated seconds, no sleeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, type Clock } from '../../../core/clock.js';
import { completeVin, encode, kafkaTopicName } from '../../../protocol/index.js';
import { startCommandService, type CommandsConfig } from '../../../backend/services/commands/service.js';
import type { Transition } from '../../../backend/services/commands/types.js';
import { configureLogging } from '../../../core/log.js';
import { MemoryKafka } from './memory-kafka.js';

configureLogging('silent');
const VIN = completeVin('1V2XT0S0XNA000001');
const config: CommandsConfig = {
  groupId: 'g',
  knownVins: [],
  acceptAnyVin: true,
  defaultTtlSeconds: 60,
  maxTtlSeconds: 3600,
  deliveredGraceMs: 1000,
  resendAfterMs: 0,
  resendMaxMs: 60_000,
  maxResends: 20,
};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** Advances the clock by `ms`, lets the service react, and reads the command's status. */
async function statusAfter(clock: ManualClock, svc: { get(id: string): { status: string } | undefined }, id: string, ms: number) {
  clock.advance(ms);
  await settle();
  return svc.get(id)?.status;
}

function setup() {
  const clock = new ManualClock(1_700_000_000_000);
  const kafka = new MemoryKafka();
  kafka.now = () => clock.now();
  const start = () => startCommandService({ kafka, config, topicPrefix: 'p.', clock });
  return { clock, kafka, start };
}

test('TTL: TIMED_OUT exactly at the TTL, with a transition event', async () => {
  const { clock, start, kafka } = setup();
  const svc = await start();
  const seen: Transition[] = [];
  svc.events.on('transition', (tr) => seen.push(tr));
  const { snapshot } = await svc.create({ vin: VIN, type: 'honk', params: {}, ttlSeconds: 2, principal: 'alice' });
  assert.equal(svc.get(snapshot.commandId)?.status, 'SENT');
  assert.equal(kafka.log('p.commands').length, 1);
  assert.equal(await statusAfter(clock, svc, snapshot.commandId, 1999), 'SENT');
  assert.equal(await statusAfter(clock, svc, snapshot.commandId, 1), 'TIMED_OUT');
  assert.deepEqual(
    seen.map((s) => s.to),
    ['CREATED', 'SENT', 'TIMED_OUT'],
  );
  await svc.close();
});

test('TTL: a timer that fires a millisecond early is re-armed, and the command still times out', async () => {
  const { clock, kafka } = setup();
  // Node's timers and Date.now() can disagree by a millisecond: this clock's timers fire 1 ms early
  const early: Clock = {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, Math.max(0, ms - 1)),
    setInterval: (fn, ms) => clock.setInterval(fn, ms),
  };
  const svc = await startCommandService({ kafka, config, topicPrefix: 'p.', clock: early });
  const { snapshot } = await svc.create({ vin: VIN, type: 'honk', params: {}, ttlSeconds: 2, principal: 'alice' });
  assert.equal(await statusAfter(clock, svc, snapshot.commandId, 1999), 'SENT', 'the early tick changes nothing');
  assert.equal(await statusAfter(clock, svc, snapshot.commandId, 1), 'TIMED_OUT');
  await svc.close();
});

test('rebuild after restart: state and idempotency keys back, timers re-armed, DELIVERED never re-sent', async () => {
  const { clock, kafka, start } = setup();
  const a = await start();
  const { snapshot } = await a.create({ vin: VIN, type: 'unlock', params: {}, ttlSeconds: 10, principal: 'alice', idempotencyKey: 'k1' });
  await kafka.append([
    {
      topic: kafkaTopicName('commandResults', 'p.'),
      key: VIN,
      value: encode('commandResult', { commandId: snapshot.commandId, vin: VIN, status: 'delivered', ts: clock.now() }),
    },
  ]);
  await settle();
  assert.equal(a.get(snapshot.commandId)?.status, 'DELIVERED');
  await a.close();

  const b = await start();
  assert.equal(b.get(snapshot.commandId)?.status, 'DELIVERED');
  const replay = await b.create({ vin: VIN, type: 'unlock', params: {}, ttlSeconds: 10, principal: 'alice', idempotencyKey: 'k1' });
  assert.equal(replay.replay, true);
  assert.equal(replay.snapshot.commandId, snapshot.commandId);
  await assert.rejects(
    b.create({ vin: VIN, type: 'lock', params: {}, ttlSeconds: 10, principal: 'alice', idempotencyKey: 'k1' }),
    /CONFLICT|another request/,
  );
  assert.equal(kafka.log('p.commands').length, 1, 'not sent again');
  assert.equal(await statusAfter(clock, b, snapshot.commandId, 10_999), 'DELIVERED', 'grace past the TTL');
  assert.equal(await statusAfter(clock, b, snapshot.commandId, 1), 'TIMED_OUT');
  await b.close();
});

test('an offline car: queued, then sent when its online status arrives; results complete it', async () => {
  const { clock, kafka, start } = setup();
  const status = kafkaTopicName('vehicleStatus', 'p.');
  await kafka.append([
    { topic: status, key: VIN, value: encode('status', { vin: VIN, state: 'offline', ts: clock.now(), reason: 'sleep' }) },
  ]);
  const svc = await start();
  const { snapshot } = await svc.create({ vin: VIN, type: 'lock', params: {}, ttlSeconds: 60, principal: 'alice' });
  assert.equal(svc.get(snapshot.commandId)?.status, 'CREATED');
  assert.equal(kafka.log('p.commands').length, 0);
  clock.advance(5_000);
  await kafka.append([
    {
      topic: status,
      key: VIN,
      value: encode('status', {
        vin: VIN,
        state: 'online',
        ts: clock.now(),
        connectedAt: clock.now(),
        firmware: '1',
        make: 'm',
        model: 'm',
        modelYear: 2020,
        powertrain: 'ice',
      }),
    },
  ]);
  await settle();
  assert.equal(svc.get(snapshot.commandId)?.status, 'SENT');
  assert.equal(kafka.log('p.commands').length, 1);
  for (const s of ['delivered', 'succeeded'] as const) {
    await kafka.append([
      {
        topic: kafkaTopicName('commandResults', 'p.'),
        key: VIN,
        value: encode('commandResult', { commandId: snapshot.commandId, vin: VIN, status: s, ts: clock.now() }),
      },
    ]);
  }
  await settle();
  assert.equal(svc.get(snapshot.commandId)?.status, 'SUCCEEDED');
  const audit = kafka.log('p.command-audit').map((r) => JSON.parse(r.value!.toString()) as { to: string; event: string });
  assert.deepEqual(
    audit.map((e) => `${e.event}:${e.to}`),
    ['create:CREATED', 'send:CREATED', 'sent:SENT', 'car:delivered:DELIVERED', 'car:succeeded:SUCCEEDED'],
  );
  await svc.close();
});
