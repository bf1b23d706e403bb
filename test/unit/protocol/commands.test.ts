import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandMeta, createCommandRequest, isExpired, validateCommandParams } from '../../../protocol/commands.js';
import { COMMAND_TYPES, commandCatalogue } from '../../../protocol/schemas/commands.js';
import { isV2xError } from '../../../core/errors.js';

const VIN = '1M8GDM9AXKP042788';

test('the catalogue has every command the brief lists, each with metadata', () => {
  assert.deepEqual(COMMAND_TYPES, [
    'lock',
    'unlock',
    'open_trunk',
    'flash_lights',
    'honk',
    'climate_start',
    'climate_stop',
    'start_charging',
    'stop_charging',
    'set_speed_limit',
    'locate',
    'activate_feature',
  ]);
  for (const type of COMMAND_TYPES) {
    const meta = commandCatalogue[type];
    assert.ok(meta.label.length > 0, type);
    assert.equal(typeof meta.changesState, 'boolean', type);
    const [lo, hi] = meta.delayMs;
    assert.ok(lo > 0 && lo <= hi, `${type} delay ${lo}..${hi}`);
  }
  assert.equal(commandMeta('locate')?.changesState, false);
  assert.equal(commandMeta('lock')?.changesState, true);
  assert.equal(commandMeta('nope'), undefined);
});

test('params: valid values pass, bounds are enforced with the field and rule', () => {
  assert.ok(validateCommandParams('climate_start', { targetC: 16 }).ok);
  assert.ok(validateCommandParams('climate_start', { targetC: 28 }).ok);
  assert.ok(validateCommandParams('set_speed_limit', { kmh: 30 }).ok);
  assert.ok(validateCommandParams('set_speed_limit', { kmh: 250 }).ok);
  assert.ok(validateCommandParams('activate_feature', { featureId: 'heated_seats' }).ok);
  assert.ok(validateCommandParams('lock', {}).ok);
  const bad: [string, unknown, string, string][] = [
    ['climate_start', { targetC: 15.5 }, 'command.params.targetC', 'must be >= 16'],
    ['climate_start', { targetC: 28.5 }, 'command.params.targetC', 'must be <= 28'],
    ['climate_start', { targetC: 20.2 }, 'command.params.targetC', 'must be a multiple of 0.5'],
    ['set_speed_limit', { kmh: 251 }, 'command.params.kmh', 'must be <= 250'],
    ['set_speed_limit', { kmh: 100.5 }, 'command.params.kmh', 'must be an integer'],
    ['set_speed_limit', {}, 'command.params.kmh', 'is required'],
    ['activate_feature', { featureId: '' }, 'command.params.featureId', 'must have at least 1 characters'],
    ['activate_feature', { featureId: 'Heated Seats' }, 'command.params.featureId', 'must match ^[a-z0-9][a-z0-9_.-]*$'],
    ['lock', { now: true }, 'command.params.now', 'is not a known field'],
    ['lock', null, 'command.params', 'must be an object'],
  ];
  for (const [type, params, field, rule] of bad) {
    const r = validateCommandParams(type, params);
    assert.equal(r.ok, false, `${type} ${JSON.stringify(params)}`);
    if (r.ok) continue;
    assert.equal(r.issue.code, 'COMMAND_PARAMS_INVALID');
    assert.equal(r.issue.field, field);
    assert.equal(r.issue.rule, rule);
  }
  const unknown = validateCommandParams('self_destruct', {});
  assert.equal(unknown.ok, false);
  if (!unknown.ok) {
    assert.equal(unknown.issue.code, 'COMMAND_UNKNOWN');
    assert.equal(unknown.issue.field, 'command.type');
  }
});

test('createCommandRequest computes expiresAt from the TTL and throws the right codes', () => {
  const req = createCommandRequest({
    commandId: 'c-1',
    vin: VIN,
    type: 'climate_start',
    params: { targetC: 21 },
    issuedAt: 1000,
    ttlMs: 30_000,
  });
  assert.deepEqual(req, { commandId: 'c-1', vin: VIN, type: 'climate_start', params: { targetC: 21 }, issuedAt: 1000, expiresAt: 31_000 });
  assert.equal(isExpired(req, 30_999), false);
  assert.equal(isExpired(req, 31_000), true);
  assert.throws(
    () => createCommandRequest({ commandId: 'c-2', vin: VIN, type: 'climate_start', params: { targetC: 40 }, issuedAt: 0, ttlMs: 1000 }),
    (e: unknown) =>
      isV2xError(e, 'COMMAND_PARAMS_INVALID') && e.details.field === 'command.params.targetC' && e.details.rule === 'must be <= 28',
  );
  assert.throws(
    () => createCommandRequest({ commandId: 'c-3', vin: VIN, type: 'warp' as 'lock', params: {}, issuedAt: 0, ttlMs: 1000 }),
    (e: unknown) => isV2xError(e, 'COMMAND_UNKNOWN'),
  );
  assert.throws(
    () => createCommandRequest({ commandId: 'c-4', vin: VIN, type: 'lock', params: {}, issuedAt: 5, ttlMs: 0 }),
    (e: unknown) => isV2xError(e, 'PAYLOAD_INVALID') && e.details.field === 'command.expiresAt',
  );
  assert.throws(
    () => createCommandRequest({ commandId: 'c-5', vin: 'BAD', type: 'lock', params: {}, issuedAt: 5, ttlMs: 10 }),
    (e: unknown) => isV2xError(e, 'PAYLOAD_INVALID') && e.details.field === 'command.vin',
  );
});
