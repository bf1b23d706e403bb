import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidVin, vinProblem } from '../../../protocol/vin.js';
import { isV2xError } from '../../../core/errors.js';
import { FleetGenerator, generateFleet } from '../../../simulator/fleet/generate.js';
import { parseShard, shardRange } from '../../../simulator/fleet/shard.js';
import { modelYearCode } from '../../../simulator/fleet/vin.js';
import { MAKES } from '../../../simulator/fleet/catalogue.js';

test('every generated VIN has a valid check digit, the make WMI and the model-year code, and VINs are unique', () => {
  const fleet = generateFleet(3000, { seed: 42 });
  const vins = new Set<string>();
  for (const car of fleet) {
    assert.equal(vinProblem(car.vin), undefined, `${car.vin} of car ${car.index}`);
    assert.ok(isValidVin(car.vin));
    const make = MAKES.find((m) => m.name === car.make);
    assert.ok(make, car.make);
    assert.equal(car.vin.slice(0, 3), make.wmi);
    assert.equal(car.vin[9], modelYearCode(car.modelYear));
    assert.ok(make.plants.includes(car.vin[10] ?? '?'));
    vins.add(car.vin);
  }
  assert.equal(vins.size, fleet.length);
});

test('model-year codes follow the 30-year cycle', () => {
  assert.equal(modelYearCode(2010), 'A');
  assert.equal(modelYearCode(2019), 'K');
  assert.equal(modelYearCode(2024), 'R');
  assert.equal(modelYearCode(2026), 'T');
  assert.equal(modelYearCode(2001), '1');
});

test('cars are plausible: plates, powertrain share, capacities, owners, years', () => {
  const fleet = generateFleet(2000, { seed: 5, evShare: 0.4 });
  const evs = fleet.filter((c) => c.powertrain === 'bev');
  assert.ok(Math.abs(evs.length / fleet.length - 0.4) < 0.05, `EV share ${evs.length / fleet.length}`);
  const munich = fleet.filter((c) => c.plate.startsWith('M-')).length;
  assert.ok(munich / fleet.length > 0.45, 'most plates are Munich plates');
  for (const c of fleet) {
    assert.match(c.plate, /^[A-ZÖ]{1,3}-[A-Z]{1,2} [1-9][0-9]{0,3}E?$/);
    assert.ok(c.plate.replace(/[- ]/g, '').length <= 8, c.plate);
    if (c.plate.endsWith('E')) assert.equal(c.powertrain, 'bev');
    assert.match(c.owner, /^\S+( \S+)+$/);
    assert.ok(c.modelYear >= 2013 && c.modelYear <= 2026);
    assert.ok(c.capacity > 30 && c.capacity < 100);
    assert.equal(c.fuel === 'electric', c.powertrain === 'bev');
    assert.match(c.firmware, /^\d+\.\d+\.\d+$/);
    assert.ok(c.initialOdometerKm >= 0);
  }
  assert.ok(new Set(fleet.map((c) => c.owner)).size > 1500, 'owners vary');
  assert.ok(fleet.some((c) => c.tags.length > 0) && fleet.some((c) => c.tags.length === 0));
});

test('the same seed gives the same fleet; another seed another', () => {
  assert.deepEqual(generateFleet(200, { seed: 9 }), generateFleet(200, { seed: 9 }));
  assert.deepEqual(generateFleet(5, { seed: 'munich' }), generateFleet(5, { seed: 'munich' }));
  const other = generateFleet(200, { seed: 10 });
  assert.notDeepEqual(
    other.map((c) => c.vin),
    generateFleet(200, { seed: 9 }).map((c) => c.vin),
  );
});

test("owners' names are pinned: faker's German entry point names them as its full index did", () => {
  // recorded with `new Faker({ locale: [de, en, base] })` from the package index (before the lighter import)
  const g = new FleetGenerator({ seed: 1 });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 1234].map((i) => g.car(i).owner),
    ['Juna Mebold', 'Freya Mielke', 'Josef Helm', 'Ilyas Mäder', 'Willy Ullrich', 'Malena Wittich'],
  );
});

test('a car depends on (seed, index) only: same car whatever order or generator builds it', () => {
  const a = new FleetGenerator({ seed: 3 });
  const b = new FleetGenerator({ seed: 3 });
  const forward = a.cars(0, 100);
  const backward: ReturnType<typeof b.car>[] = [];
  for (let i = 99; i >= 0; i--) backward[i] = b.car(i);
  assert.deepEqual(backward, forward);
  assert.deepEqual(new FleetGenerator({ seed: 3 }).car(57), forward[57]);
});

test('shards partition the fleet, and each car is the same whichever shard builds it', () => {
  const size = 1003;
  const whole = generateFleet(size, { seed: 77 });
  for (const n of [1, 2, 3, 7, 16]) {
    const seen: number[] = [];
    let prevEnd = 0;
    for (let i = 0; i < n; i++) {
      const r = shardRange(size, parseShard(`${i}/${n}`));
      assert.equal(r.start, prevEnd, 'contiguous and disjoint');
      prevEnd = r.end;
      const cars = new FleetGenerator({ seed: 77 }).cars(r.start, r.end);
      for (const c of cars) {
        seen.push(c.index);
        assert.deepEqual(c, whole[c.index]);
      }
      assert.ok(r.end - r.start === Math.floor(size / n) || r.end - r.start === Math.ceil(size / n));
    }
    assert.equal(prevEnd, size);
    assert.deepEqual(
      seen,
      whole.map((c) => c.index),
    );
  }
  assert.deepEqual(shardRange(0, { index: 0, count: 3 }), { start: 0, end: 0 });
});

test('bad shards and fleet options are refused with a clear error', () => {
  for (const bad of ['3/3', '1', 'a/b', '-1/2', '0/0']) {
    assert.throws(
      () => parseShard(bad),
      (e: unknown) => isV2xError(e, 'SHARD_INVALID') && e.message.includes(bad),
      bad,
    );
  }
  assert.throws(
    () => generateFleet(1, { evShare: 1.5 }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID') && /evShare/.test(e.message),
  );
  assert.throws(
    () => generateFleet(1, { oldestYear: 2030, newestYear: 2020 }),
    (e: unknown) => isV2xError(e, 'CONFIG_INVALID'),
  );
});
