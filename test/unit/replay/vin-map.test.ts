import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidVin } from '../../../protocol/vin.js';
import { GENERATED_VIN_PREFIX, VinResolver, vinForId } from '../../../simulator/replay/vin-map.js';
import { VIN_A } from './fixtures.js';

test('generated VINs are valid, deterministic and distinct', () => {
  // pinned: the same SUMO id must give the same car in every run, on every machine
  assert.equal(vinForId('veh0'), 'V2RRRTKBX3S56CMK0');
  assert.equal(vinForId('veh0'), vinForId('veh0'));
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const vin = vinForId(`flow${i % 100}.${Math.floor(i / 100)}`);
    assert.ok(isValidVin(vin), vin);
    assert.ok(vin.startsWith(GENERATED_VIN_PREFIX));
    seen.add(vin);
  }
  assert.equal(seen.size, 20_000);
  assert.ok(isValidVin(vinForId('')) && isValidVin(vinForId('Fahrzeug ü 🚗')));
});

test("the resolver keeps valid VINs, maps other ids in 'map' mode and refuses them in 'vin' mode", () => {
  const map = new VinResolver('map');
  assert.deepEqual(map.resolve(VIN_A), { vin: VIN_A, mapped: false });
  assert.deepEqual(map.resolve('veh0'), { vin: vinForId('veh0'), mapped: true });
  assert.deepEqual(map.resolve(vinForId('veh0')), { problem: `VIN ${vinForId('veh0')} was already generated for vehicle id 'veh0'` });
  const strict = new VinResolver('vin');
  assert.deepEqual(strict.resolve(VIN_A), { vin: VIN_A, mapped: false });
  const r = strict.resolve('veh0');
  assert.ok('problem' in r);
  assert.match(r.problem, /vehicle id 'veh0' is not a valid VIN: must be 17 characters \(got 4\) \(use vehicleIds 'map'/);
});
