/**
 * The resend rule (resend.ts) as a table, then in the shell on a ManualClock: a SENT command whose
 * request was lost (the car's `online` already used, as after a broker restart) is sent again by
 * the timer with doubling waits, up to the cap and never past the TTL; each later `online` sends it
 * again too; a DELIVERED command never is. Simulated seconds, no sleeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.js';
import { completeVin, encode, kafkaTopicName } from '../../../protocol/index.js';
import { needsSend, resendDueAt, type ResendPolicy } from '../../../backend/services/commands/resend.js';
import { startCommandService, type CommandsConfig } from '../../../backend/services/commands/service.js';
import { configureLogging } from '../../../core/log.js';
import { MemoryKafka } from './memory-kafka.js';

configureLogging('silent');
const VIN = completeVin('1V2XT0S0XNA000001');
const POLICY: ResendPolicy = { firstMs: 1000, maxMs: 4000, maxResends: 4 };
const sent = (sendCount: number, updatedAt = 0, expiresAt = 60_000) => ({ status: 'SENT' as const, sendCount, updatedAt, expiresAt });

test('resendDueAt: doubling waits from the last send, capped, none past the TTL, the count capped, SENT only', () => {
  assert.equal(resendDueAt(sent(1), POLICY), 1000);
  assert.equal(resendDueAt(sent(2, 1000), POLICY), 3000);
  assert.equal(resendDueAt(sent(3, 3000), POLICY), 7000);
  assert.equal(resendDueAt(sent(4, 7000), POLICY), 11_000, 'capped at maxMs');
  assert.equal(resendDueAt(sent(5, 11_000), POLICY), undefined, 'maxResends reached');
  assert.equal(resendDueAt(sent(1, 0, 1000), POLICY), undefined, 'due at the TTL: none');
  assert.equal(resendDueAt(sent(1, 0, 1001), POLICY), 1000);
  assert.equal(resendDueAt(sent(1), { ...POLICY, firstMs: 0 }), undefined, 'off');
  for (const status of ['CREATED', 'DELIVERED', 'SUCCEEDED', 'TIMED_OUT'] as const)
    assert.equal(resendDueAt({ ...sent(1), status }, POLICY), undefined, status);
  assert.equal(resendDueAt(sent(1000, 0, Number.MAX_SAFE_INTEGER), { firstMs: 1, maxMs: 10, maxResends: 5000 }), 10, 'no overflow');
});

test('needsSend: every online after the last send sends again; offline never; DELIVERED never; resume sends CREATED', () => {
  const on = (onlineSince: number) => ({ online: true, onlineSince });
  assert.equal(needsSend(sent(1, 100), on(200), false), true);
  assert.equal(needsSend(sent(2, 300), on(200), false), false, 'that online was used by the send at 300');
  assert.equal(needsSend(sent(2, 300), on(400), false), true, 'a later online: again');
  assert.equal(needsSend(sent(1, 100), { online: false, onlineSince: 200 }, false), false);
  assert.equal(needsSend({ ...sent(1, 100), status: 'DELIVERED' }, on(200), false), false);
  assert.equal(needsSend({ status: 'CREATED', sendCount: 0, updatedAt: 100 }, on(0), false), true);
  assert.equal(needsSend({ status: 'CREATED', sendCount: 1, updatedAt: 100 }, on(0), false), false);
  assert.equal(needsSend({ status: 'CREATED', sendCount: 1, updatedAt: 100 }, on(0), true), true);
});

const config: CommandsConfig = {
  groupId: 'g',
  knownVins: [],
  acceptAnyVin: true,
  defaultTtlSeconds: 60,
  maxTtlSeconds: 3600,
  deliveredGraceMs: 1000,
  resendAfterMs: 2000,
  resendMaxMs: 8000,
  maxResends: 3,
};

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function setup() {
  const clock = new ManualClock(1_700_000_000_000);
  const kafka = new MemoryKafka();
  kafka.now = () => clock.now();
  const online = () =>
    kafka.append([
      {
        topic: kafkaTopicName('vehicleStatus', 'p.'),
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
  const result = (commandId: string, status: 'delivered' | 'succeeded') =>
    kafka.append([
      {
        topic: kafkaTopicName('commandResults', 'p.'),
        key: VIN,
        value: encode('commandResult', { commandId, vin: VIN, status, ts: clock.now() }),
      },
    ]);
  return { clock, kafka, online, result, start: () => startCommandService({ kafka, config, topicPrefix: 'p.', clock }) };
}

test('a lost request: sent again by the timer at 2 s, 4 s, 8 s after each send, then no more; TIMED_OUT at the TTL', async () => {
  const { clock, kafka, start } = setup();
  const svc = await start();
  const { snapshot } = await svc.create({ vin: VIN, type: 'honk', params: {}, ttlSeconds: 30, principal: 'alice' });
  await settle();
  const sends = () => kafka.log('p.commands').length;
  assert.equal(sends(), 1);
  const at: number[] = [];
  for (let ms = 0; ms < 31_000; ms += 500) {
    const before = sends();
    clock.advance(500);
    await settle();
    if (sends() > before) at.push(ms + 500);
  }
  assert.deepEqual(at, [2000, 6000, 14_000], 'doubling waits, maxResends = 3');
  assert.equal(svc.get(snapshot.commandId)?.status, 'TIMED_OUT');
  assert.equal(svc.get(snapshot.commandId)?.sendCount, 4);
  await svc.close();
});

test('each later online sends again; once DELIVERED neither the timer nor an online does; the result completes it', async () => {
  const { clock, kafka, online, result, start } = setup();
  const svc = await start();
  const { snapshot } = await svc.create({ vin: VIN, type: 'honk', params: {}, ttlSeconds: 30, principal: 'alice' });
  await settle();
  const sends = () => kafka.log('p.commands').length;
  for (let i = 0; i < 3; i++) {
    clock.advance(100);
    await online();
    await settle();
    assert.equal(sends(), 2 + i, `online ${i + 1} sends again`);
  }
  await result(snapshot.commandId, 'delivered');
  await settle();
  clock.advance(20_000);
  await online();
  await settle();
  assert.equal(sends(), 4, 'DELIVERED: not sent again');
  await result(snapshot.commandId, 'succeeded');
  await settle();
  assert.equal(svc.get(snapshot.commandId)?.status, 'SUCCEEDED');
  await svc.close();
});
