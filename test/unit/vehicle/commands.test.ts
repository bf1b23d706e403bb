import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCommandResult } from '../../../protocol/messages.js';
import { commandCatalogue, type CommandRequest, type CommandResult } from '../../../protocol/schemas/commands.js';
import { Rng } from '../../../core/random.js';
import type { CarSpec } from '../../../simulator/fleet/generate.js';
import { handleCommand, EMPTY_COMMAND_STATE, type CarCommandState, type CommandOutcome } from '../../../simulator/vehicle/commands.js';
import { applyCommandEffect } from '../../../simulator/vehicle/command-effects.js';
import { initVehicle, readVehicle, speedLimitMps, VehicleState, F, F2 } from '../../../simulator/vehicle/state.js';
import { emptyKinematics, type CarKinematics } from '../../../simulator/traffic/kinematics.js';
import type { EventDraft } from '../../../simulator/vehicle/events.js';
import { findCar, T0 } from './helpers.js';

let n = 0;
function request(car: CarSpec, type: string, params: object = {}, over: Partial<Record<string, unknown>> = {}): unknown {
  n++;
  return { commandId: `cmd-${n}`, vin: car.vin, type, params, issuedAt: T0 - 100, expiresAt: T0 + 60_000, ...over };
}

class Car {
  readonly state = new VehicleState(1);
  readonly kin: CarKinematics = emptyKinematics();
  commands: CarCommandState = EMPTY_COMMAND_STATE;
  readonly rng = new Rng(5);
  readonly events: EventDraft[] = [];
  constructor(readonly car: CarSpec) {
    initVehicle(this.state, 0, car, new Rng(1), 15);
    this.kin.lat = 48.1371234;
    this.kin.lon = 11.5754321;
  }
  send(req: unknown, nowMs = T0, failureRate = 0, delayScale = 1): CommandOutcome {
    const out = handleCommand(
      {
        car: this.car,
        state: this.state,
        index: 0,
        kin: this.kin,
        nowMs,
        rng: this.rng,
        config: { commandFailureRate: failureRate, commandDelayScale: delayScale, remoteClimateMin: 20 },
        commands: this.commands,
      },
      req,
    );
    assert.ok(out, 'answered');
    this.commands = out.commands;
    for (const r of [out.result, out.delivered].filter((x): x is CommandResult => x !== undefined)) {
      const v = validateCommandResult(r);
      assert.ok(v.ok, v.ok ? '' : v.issue.message);
      assert.equal(r.vin, this.car.vin);
    }
    if (out.effect !== undefined) applyCommandEffect(this.state, 0, out.effect, this.events);
    return out;
  }
}

const ice = findCar('ice');
const ev = findCar('bev');

test('accepted: delivered now, then succeeded after a delay from the catalogue range, with the state change', () => {
  const c = new Car(ice);
  const out = c.send(request(ice, 'unlock'));
  assert.equal(out.delivered?.status, 'delivered');
  assert.equal(out.delivered?.ts, T0);
  assert.equal(out.result.status, 'succeeded');
  const [lo, hi] = commandCatalogue.unlock.delayMs;
  assert.ok(out.effectAtMs >= T0 + lo && out.effectAtMs <= T0 + hi);
  assert.equal(out.result.ts, out.effectAtMs);
  assert.deepEqual(out.effect, { kind: 'lock', locked: false });
  assert.equal(readVehicle(c.state, 0).locked, false);
  assert.deepEqual(c.events, [{ type: 'lock', locked: false, source: 'remote' }]);
});

test('commandDelayScale stretches or removes the execution time', () => {
  const [lo, hi] = commandCatalogue.unlock.delayMs;
  const slow = new Car(ice).send(request(ice, 'unlock'), T0, 0, 2);
  assert.ok(slow.effectAtMs >= T0 + 2 * lo && slow.effectAtMs <= T0 + 2 * hi);
  const instant = new Car(ice).send(request(ice, 'unlock'), T0, 0, 0);
  assert.equal(instant.result.status, 'succeeded');
  assert.equal(instant.effectAtMs, T0);
  assert.equal(instant.result.ts, T0);
});

test('lock and unlock are idempotent: already in that state -> succeeded, no change', () => {
  const c = new Car(ice);
  const out = c.send(request(ice, 'lock'));
  assert.equal(out.result.status, 'succeeded');
  assert.equal(out.effect, undefined);
  assert.match(out.result.message ?? '', /already locked/);
  c.send(request(ice, 'unlock'), T0 + 10_000);
  const again = c.send(request(ice, 'unlock'), T0 + 20_000);
  assert.equal(again.result.status, 'succeeded');
  assert.equal(again.effect, undefined);
  assert.equal(c.events.length, 1);
});

test('open_trunk while moving is rejected with precondition_failed and a human reason; at a standstill it opens', () => {
  const c = new Car(ice);
  c.kin.speedMps = 30 / 3.6;
  const out = c.send(request(ice, 'open_trunk'));
  assert.equal(out.result.status, 'rejected');
  assert.equal(out.result.reason, 'precondition_failed');
  assert.match(out.result.message ?? '', /moving \(30 km\/h\)/);
  assert.equal(out.delivered, undefined);
  assert.equal(out.effectAtMs, T0);
  c.kin.speedMps = 0.2;
  const ok = c.send(request(ice, 'open_trunk'), T0 + 5000);
  assert.equal(ok.result.status, 'succeeded');
  assert.equal(readVehicle(c.state, 0).trunkOpen, true);
});

test('start_charging on a combustion car is rejected unsupported; on an EV it needs the cable', () => {
  const c = new Car(ice);
  const out = c.send(request(ice, 'start_charging'));
  assert.equal(out.result.status, 'rejected');
  assert.equal(out.result.reason, 'unsupported');
  assert.equal(c.send(request(ice, 'stop_charging')).result.reason, 'unsupported');
  const e = new Car(ev);
  const unplugged = e.send(request(ev, 'start_charging'));
  assert.equal(unplugged.result.reason, 'precondition_failed');
  assert.match(unplugged.result.message ?? '', /cable/);
  e.state.flags2[0] = F2.PLUGGED;
  e.state.energy[0] = ev.capacity * 0.5;
  assert.equal(e.send(request(ev, 'start_charging'), T0 + 10_000).result.status, 'succeeded');
  assert.equal(readVehicle(e.state, 0).charging, true);
  assert.equal(e.send(request(ev, 'start_charging'), T0 + 20_000).effect, undefined, 'already charging: idempotent');
});

test('climate_start sets the target; set_speed_limit caps the desired speed; locate reports the position', () => {
  const c = new Car(ev);
  c.send(request(ev, 'climate_start', { targetC: 23.5 }));
  let s = readVehicle(c.state, 0);
  assert.equal(s.climateOn, true);
  assert.equal(s.targetC, 23.5);
  assert.equal(s.remoteClimate, true, 'parked: remote pre-conditioning');
  c.send(request(ev, 'climate_stop'), T0 + 10_000);
  s = readVehicle(c.state, 0);
  assert.equal(s.climateOn, false);
  assert.equal(speedLimitMps(c.state, 0), Infinity);
  c.send(request(ev, 'set_speed_limit', { kmh: 80 }), T0 + 20_000);
  assert.equal(readVehicle(c.state, 0).speedLimitKmh, 80);
  assert.ok(Math.abs(speedLimitMps(c.state, 0) - 80 / 3.6) < 1e-9);
  const loc = c.send(request(ev, 'locate'), T0 + 30_000);
  assert.equal(loc.result.status, 'succeeded');
  assert.deepEqual(loc.result.position, { lat: 48.1371234, lon: 11.5754321 });
});

test('activate_feature: offered features activate once; unknown ones are unsupported', () => {
  const c = new Car(ev);
  assert.equal(c.send(request(ev, 'activate_feature', { featureId: 'heated_seats' })).result.status, 'succeeded');
  assert.deepEqual(c.commands.features, ['heated_seats']);
  const again = c.send(request(ev, 'activate_feature', { featureId: 'heated_seats' }), T0 + 20_000);
  assert.match(again.result.message ?? '', /already active/);
  assert.equal(c.send(request(ev, 'activate_feature', { featureId: 'warp_drive' }), T0 + 40_000).result.reason, 'unsupported');
});

test('invalid, unknown, foreign, expired and concurrent commands are rejected with the right reason', () => {
  const c = new Car(ice);
  assert.equal(c.send(request(ice, 'self_destruct')).result.reason, 'unsupported');
  assert.equal(c.send(request(ice, 'set_speed_limit', { kmh: 5 })).result.reason, 'invalid_params');
  assert.equal(c.send(request(ev, 'lock', {}, { vin: ev.vin })).result.reason, 'invalid_params');
  const expired = c.send(request(ice, 'unlock', {}, { expiresAt: T0 - 1 }));
  assert.equal(expired.result.reason, 'expired');
  assert.equal(readVehicle(c.state, 0).locked, true);
  const first = c.send(request(ice, 'unlock'));
  const busy = c.send(request(ice, 'climate_start', { targetC: 21 }), T0 + 100);
  assert.equal(busy.result.reason, 'busy');
  assert.equal(c.send(request(ice, 'honk'), T0 + 100).result.status, 'succeeded', 'honk changes no state: not busy');
  assert.equal(c.send(request(ice, 'climate_start', { targetC: 21 }), first.effectAtMs).result.status, 'succeeded');
  assert.equal(
    handleCommand(
      {
        car: ice,
        state: c.state,
        index: 0,
        kin: c.kin,
        nowMs: T0,
        rng: c.rng,
        config: { commandFailureRate: 0, commandDelayScale: 1, remoteClimateMin: 20 },
        commands: c.commands,
      },
      { type: 'lock' },
    ),
    undefined,
    'no commandId: nothing to answer',
  );
});

test('a command delivered twice executes once and answers the same result', () => {
  const c = new Car(ice);
  const req = request(ice, 'unlock') as CommandRequest;
  const first = c.send(req);
  const second = c.send(req, T0 + 200);
  assert.equal(second.duplicate, true);
  assert.equal(second.effect, undefined);
  assert.equal(second.delivered, undefined);
  assert.deepEqual(second.result, first.result);
  assert.equal(c.events.length, 1, 'unlocked once');
  const rejectedReq = request(ice, 'start_charging');
  const r1 = c.send(rejectedReq, T0 + 5000);
  const r2 = c.send(rejectedReq, T0 + 9000);
  assert.deepEqual(r2.result, r1.result);
});

test('with a failure rate, some state changes fail (timeout or internal_error) and change nothing', () => {
  const c = new Car(ice);
  let failed = 0;
  for (let k = 0; k < 200; k++) {
    const lockedBefore = ((c.state.flags[0] as number) & F.LOCKED) !== 0;
    const now = T0 + k * 10_000;
    const out = c.send(request(ice, lockedBefore ? 'unlock' : 'lock', {}, { issuedAt: now, expiresAt: now + 60_000 }), now, 0.3);
    assert.notEqual(out.result.status, 'rejected');
    if (out.result.status === 'failed') {
      failed++;
      assert.ok(out.result.reason === 'timeout' || out.result.reason === 'internal_error');
      assert.equal(out.effect, undefined);
      assert.equal(((c.state.flags[0] as number) & F.LOCKED) !== 0, lockedBefore);
    }
  }
  assert.ok(failed > 30 && failed < 90, `${failed} of 200 failed`);
});
