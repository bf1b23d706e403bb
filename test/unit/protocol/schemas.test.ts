import { test } from 'node:test';
import assert from 'node:assert/strict';
import { examples, telemetryExamples } from '../../../protocol/examples.js';
import { MESSAGE_KINDS, type MessageKind } from '../../../protocol/kinds.js';
import { assertMessage, validateMessage, validateTelemetry, validators } from '../../../protocol/messages.js';
import { COMMAND_TYPES } from '../../../protocol/schemas/commands.js';
import { EVENT_TYPES } from '../../../protocol/schemas/events.js';
import { isV2xError, type ErrorCode } from '../../../core/errors.js';

const first = <K extends MessageKind>(kind: K): Record<string, unknown> =>
  structuredClone(examples[kind][0]) as unknown as Record<string, unknown>;
const tel = (): Record<string, unknown> & { gps: Record<string, unknown> } =>
  first('telemetry') as Record<string, unknown> & { gps: Record<string, unknown> };
const without = (o: Record<string, unknown>, key: string): Record<string, unknown> => {
  const c = { ...o };
  delete c[key];
  return c;
};

test('every example is valid, and there is one per status state, event type and command type', () => {
  for (const kind of MESSAGE_KINDS) {
    for (const m of examples[kind]) {
      const r = validateMessage(kind, m);
      assert.ok(r.ok, `${kind}: ${r.ok ? '' : r.issue.message}`);
    }
  }
  assert.deepEqual(new Set(examples.status.map((s) => s.state)), new Set(['online', 'offline']));
  assert.deepEqual(new Set(examples.event.map((e) => e.type)), new Set(EVENT_TYPES));
  assert.deepEqual(new Set(examples.commandRequest.map((c) => c.type)), new Set(COMMAND_TYPES));
  assert.deepEqual(new Set(examples.commandResult.map((c) => c.status)), new Set(['delivered', 'succeeded', 'failed', 'rejected']));
});

interface Bad {
  readonly kind: MessageKind;
  readonly value: unknown;
  readonly field: string;
  readonly rule: string | RegExp;
  readonly code?: ErrorCode;
}

const cases: Bad[] = [
  // telemetry
  { kind: 'telemetry', value: { ...tel(), gps: { ...tel().gps, speedKmh: -3 } }, field: 'telemetry.gps.speedKmh', rule: 'must be >= 0' },
  { kind: 'telemetry', value: { ...tel(), gps: { ...tel().gps, lat: 91 } }, field: 'telemetry.gps.lat', rule: 'must be <= 90' },
  {
    kind: 'telemetry',
    value: { ...tel(), gps: { ...tel().gps, lon: '11.5' } },
    field: 'telemetry.gps.lon',
    rule: 'must be a finite number',
  },
  {
    kind: 'telemetry',
    value: { ...tel(), gps: { ...tel().gps, heading: Number.NaN } },
    field: 'telemetry.gps.heading',
    rule: 'must be a finite number',
  },
  { kind: 'telemetry', value: { ...tel(), gps: without(tel().gps, 'lat') }, field: 'telemetry.gps.lat', rule: 'is required' },
  {
    kind: 'telemetry',
    value: { ...tel(), gps: { ...tel().gps, altitude: 5 } },
    field: 'telemetry.gps.altitude',
    rule: 'is not a known field',
  },
  { kind: 'telemetry', value: without(tel(), 'seq'), field: 'telemetry.seq', rule: 'is required' },
  { kind: 'telemetry', value: without(tel(), 'ts'), field: 'telemetry.ts', rule: 'is required' },
  { kind: 'telemetry', value: without(tel(), 'vin'), field: 'telemetry.vin', rule: 'is required' },
  { kind: 'telemetry', value: { ...tel(), seq: 2 ** 32 }, field: 'telemetry.seq', rule: 'must be <= 4294967295' },
  { kind: 'telemetry', value: { ...tel(), seq: 1.5 }, field: 'telemetry.seq', rule: 'must be an integer' },
  { kind: 'telemetry', value: { ...tel(), ts: -1 }, field: 'telemetry.ts', rule: 'must be >= 0' },
  {
    kind: 'telemetry',
    value: { ...tel(), vin: '1M8GDM9A1KP042788' },
    field: 'telemetry.vin',
    rule: /^must be a valid VIN: check digit \(position 9\) is '1', expected 'X'$/,
  },
  { kind: 'telemetry', value: { ...tel(), vin: 'IOQ' }, field: 'telemetry.vin', rule: /must be 17 characters/ },
  { kind: 'telemetry', value: { ...tel(), gear: 'X' }, field: 'telemetry.gear', rule: 'must be one of P, R, N, D, S, M' },
  { kind: 'telemetry', value: { ...tel(), ignition: 1 }, field: 'telemetry.ignition', rule: 'must be a boolean' },
  { kind: 'telemetry', value: { ...tel(), fuelPct: 100.5 }, field: 'telemetry.fuelPct', rule: 'must be <= 100' },
  { kind: 'telemetry', value: { ...tel(), rpm: 800.5 }, field: 'telemetry.rpm', rule: 'must be an integer' },
  { kind: 'telemetry', value: { ...tel(), tyresKpa: { fl: 230, fr: 230, rl: 230 } }, field: 'telemetry.tyresKpa.rr', rule: 'is required' },
  {
    kind: 'telemetry',
    value: { ...tel(), climate: { on: true, targetC: 21.3 } },
    field: 'telemetry.climate.targetC',
    rule: 'must be a multiple of 0.5',
  },
  {
    kind: 'telemetry',
    value: {
      ...tel(),
      body: { doorsOpen: { fl: false, fr: false, rl: false, rr: false }, locked: true, trunkOpen: false, lights: 'disco' },
    },
    field: 'telemetry.body.lights',
    rule: 'must be one of off, parking, low, high',
  },
  { kind: 'telemetry', value: { ...tel(), extra: true }, field: 'telemetry.extra', rule: 'is not a known field' },
  { kind: 'telemetry', value: [1, 2], field: 'telemetry', rule: 'must be an object' },
  // status
  { kind: 'status', value: { ...first('status'), state: 'asleep' }, field: 'status.state', rule: 'must be one of online, offline' },
  { kind: 'status', value: without(first('status'), 'state'), field: 'status.state', rule: 'must be one of online, offline' },
  { kind: 'status', value: without(first('status'), 'firmware'), field: 'status.firmware', rule: 'is required' },
  { kind: 'status', value: { ...first('status'), modelYear: 1900 }, field: 'status.modelYear', rule: 'must be >= 1980' },
  {
    kind: 'status',
    value: { ...(examples.status[1] as object), reason: 'bored' },
    field: 'status.reason',
    rule: 'must be one of connection_lost, shutdown, sleep, maintenance',
  },
  { kind: 'status', value: { ...(examples.status[1] as object), firmware: '1.0' }, field: 'status.firmware', rule: 'is not a known field' },
  { kind: 'status', value: 'online', field: 'status', rule: 'must be an object' },
  // events
  {
    kind: 'event',
    value: { ...first('event'), type: 'explosion' },
    field: 'event.type',
    rule: /^must be one of dtc, ignition, door, lock, crash, low_battery, low_fuel, harsh_braking$/,
  },
  { kind: 'event', value: { ...first('event'), code: 'X0301' }, field: 'event.code', rule: 'must match ^[PCBU][0-3][0-9A-F]{3}$' },
  { kind: 'event', value: { ...first('event'), severity: 'meh' }, field: 'event.severity', rule: 'must be one of info, warning, critical' },
  { kind: 'event', value: { ...first('event'), description: '' }, field: 'event.description', rule: 'must have at least 1 characters' },
  { kind: 'event', value: { ...(examples.event[1] as object), on: 'yes' }, field: 'event.on', rule: 'must be a boolean' },
  { kind: 'event', value: { ...(examples.event[1] as object), position: { lat: 0 } }, field: 'event.position.lon', rule: 'is required' },
  {
    kind: 'event',
    value: { ...(examples.event[2] as object), door: 'sunroof' },
    field: 'event.door',
    rule: 'must be one of fl, fr, rl, rr, trunk, hood',
  },
  { kind: 'event', value: without(first('event'), 'seq'), field: 'event.seq', rule: 'is required' },
  // command requests
  {
    kind: 'commandRequest',
    value: { ...first('commandRequest'), type: 'self_destruct' },
    field: 'command.type',
    rule: /^must be one of lock, unlock, /,
    code: 'COMMAND_UNKNOWN',
  },
  {
    kind: 'commandRequest',
    value: { ...(examples.commandRequest[5] as object), params: { targetC: 35 } },
    field: 'command.params.targetC',
    rule: 'must be <= 28',
    code: 'COMMAND_PARAMS_INVALID',
  },
  {
    kind: 'commandRequest',
    value: { ...(examples.commandRequest[5] as object), params: {} },
    field: 'command.params.targetC',
    rule: 'is required',
    code: 'COMMAND_PARAMS_INVALID',
  },
  {
    kind: 'commandRequest',
    value: { ...(examples.commandRequest[9] as object), params: { kmh: 20 } },
    field: 'command.params.kmh',
    rule: 'must be >= 30',
    code: 'COMMAND_PARAMS_INVALID',
  },
  {
    kind: 'commandRequest',
    value: { ...first('commandRequest'), params: { force: true } },
    field: 'command.params.force',
    rule: 'is not a known field',
    code: 'COMMAND_PARAMS_INVALID',
  },
  {
    kind: 'commandRequest',
    value: without(first('commandRequest'), 'params'),
    field: 'command.params',
    rule: 'is required',
    code: 'COMMAND_PARAMS_INVALID',
  },
  {
    kind: 'commandRequest',
    value: { ...first('commandRequest'), commandId: 'has space' },
    field: 'command.commandId',
    rule: 'must match ^[A-Za-z0-9_.:-]+$',
  },
  {
    kind: 'commandRequest',
    value: { ...first('commandRequest'), expiresAt: (examples.commandRequest[0] as { issuedAt: number }).issuedAt },
    field: 'command.expiresAt',
    rule: 'must be after issuedAt',
  },
  // command results
  {
    kind: 'commandResult',
    value: { ...first('commandResult'), status: 'done' },
    field: 'commandResult.status',
    rule: 'must be one of delivered, succeeded, failed, rejected',
  },
  {
    kind: 'commandResult',
    value: { ...first('commandResult'), status: 'failed' },
    field: 'commandResult.reason',
    rule: 'is required when status is failed',
  },
  {
    kind: 'commandResult',
    value: { ...first('commandResult'), status: 'rejected', reason: 'because' },
    field: 'commandResult.reason',
    rule: /^must be one of expired, /,
  },
  // warnings
  { kind: 'warning', value: { ...first('warning'), radiusM: -1 }, field: 'warning.radiusM', rule: 'must be >= 0' },
  { kind: 'warning', value: { ...first('warning'), type: 'aliens' }, field: 'warning.type', rule: /^must be one of traffic_jam, / },
  { kind: 'warning', value: { ...first('warning'), expiresAt: 0 }, field: 'warning.expiresAt', rule: 'must be after issuedAt' },
];

test('invalid examples: each names the field and the rule, with the value', () => {
  for (const c of cases) {
    const r = validateMessage(c.kind, c.value);
    const label = `${c.field} / ${String(c.rule)}`;
    assert.equal(r.ok, false, label);
    if (r.ok) continue;
    assert.equal(r.issue.code, c.code ?? 'PAYLOAD_INVALID', label);
    assert.equal(r.issue.field, c.field, label);
    if (typeof c.rule === 'string') assert.equal(r.issue.rule, c.rule, label);
    else assert.match(r.issue.rule, c.rule, label);
    assert.ok(r.issue.message.startsWith(`${c.field}: ${r.issue.rule} (got `), r.issue.message);
  }
});

test('the message reads as the brief asks, and the throwing form carries details', () => {
  const bad = { ...tel(), gps: { ...tel().gps, speedKmh: -3 } };
  const r = validateTelemetry(bad);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.issue.message, 'telemetry.gps.speedKmh: must be >= 0 (got -3)');
  assert.throws(
    () => assertMessage('telemetry', bad),
    (e: unknown) =>
      isV2xError(e, 'PAYLOAD_INVALID') &&
      e.message === 'payload does not match its schema: telemetry.gps.speedKmh: must be >= 0 (got -3)' &&
      e.details.field === 'telemetry.gps.speedKmh' &&
      e.details.rule === 'must be >= 0' &&
      e.details.value === -3,
  );
});

test('minimal telemetry (only the required set) is valid for check, issue and validate', () => {
  const t = telemetryExamples[1];
  assert.ok(t);
  assert.ok(validators.telemetry.check(t));
  assert.equal(validators.telemetry.issue(t), undefined);
});
