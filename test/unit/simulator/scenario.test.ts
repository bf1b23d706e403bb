import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, parseScenario, parseScenarioText } from '../../../simulator/scenario/scenario.js';
import { buildScenario } from '../../../simulator/scenario/build.js';
import { exportGeoJson } from '../../../road/geojson-export.js';
import { generateCity } from '../../../road/city.js';
import { isV2xError } from '../../../core/errors.js';
import { repoPath } from '../../helpers/repo.js';

const YAML = `
seed: 42
city:
  centre: { lat: 52.52, lon: 13.405 }
  sizeM: 1500
  ring: false
cars: 120
tickSeconds: 0.25
routing: free-flow
groundTruth: { intervalS: 5 }
incidents:
  - { id: crash-1, segment: "g2_3-g3_3", start: 2m, duration: 10m, lanesBlocked: 1, position: 0.5 }
  - { segment: "g3_3-g2_3", duration: 90 }
randomIncidents: { ratePerHour: 3, minDuration: 5m, maxDuration: 1h, roadClasses: [arterial, residential] }
`;

test('a valid YAML scenario parses with defaults and durations', () => {
  const s = parseScenarioText(YAML);
  assert.equal(s.seed, 42);
  assert.equal(s.cars, 120);
  assert.equal(s.tickSeconds, 0.25);
  assert.equal(s.routing, 'free-flow');
  assert.equal(s.groundTruthIntervalS, 5);
  assert.deepEqual(s.city, { kind: 'builtin', options: { centre: { lat: 52.52, lon: 13.405 }, sizeM: 1500, ring: false } });
  assert.deepEqual(s.incidents[0], {
    id: 'crash-1',
    segmentId: 'g2_3-g3_3',
    startS: 120,
    durationS: 600,
    lanesBlocked: 1,
    positionFraction: 0.5,
  });
  assert.deepEqual(s.incidents[1], {
    id: 'incident-2',
    segmentId: 'g3_3-g2_3',
    startS: 0,
    durationS: 90,
    lanesBlocked: 1,
    positionFraction: 0.6,
  });
  assert.deepEqual(s.randomIncidents, { ratePerHour: 3, minDurationS: 300, maxDurationS: 3600, roadClasses: ['arterial', 'residential'] });
  const defaults = parseScenario({});
  assert.equal(defaults.routing, 'live');
  assert.equal(defaults.city.kind, 'builtin');
  assert.equal(defaults.tickSeconds, 0.5);

  const { network, model } = buildScenario(s);
  assert.ok(network.segmentIndexById.has('g2_3-g3_3'));
  assert.equal(model.carCount, 120);
  model.step(130);
  const incidents = model.takeRecords().filter((r) => r.type === 'incident');
  assert.deepEqual(
    incidents.map((r) => (r.type === 'incident' ? r.incidentId : '')),
    ['incident-2', 'crash-1'],
  );
});

test('bad scenarios are refused naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ cars: -1 }, /^invalid scenario: cars: must be at least 0 \(got -1\)/],
    [{ cars: 1.5 }, /cars: must be a whole number/],
    [{ carz: 1 }, /carz: unknown field/],
    [{ routing: 'fastest' }, /routing: must be one of live, free-flow/],
    [{ tickSeconds: 2 }, /tickSeconds: must be at most 1/],
    [{ city: { sizeM: 'big' } }, /city\.sizeM: must be a number/],
    [{ city: { file: 'x.geojson', sizeM: 100 } }, /city\.sizeM: applies to the built-in city only/],
    [{ city: { centre: { lat: 95, lon: 0 } } }, /city\.centre\.lat: must be at most 85/],
    [{ incidents: {} }, /incidents: must be a list/],
    [
      {
        incidents: [
          { segment: 'a', duration: 10 },
          { segment: 'b', duration: 10, lanesBlocked: 0 },
        ],
      },
      /incidents\[1\]\.lanesBlocked: must be at least 1 \(got 0\)/,
    ],
    [{ incidents: [{ segment: 'a' }] }, /incidents\[0\]\.duration: is required/],
    [{ incidents: [{ segment: 'a', duration: 'soon' }] }, /incidents\[0\]\.duration: must be seconds/],
    [{ incidents: [{ segment: 'a', duration: 0 }] }, /incidents\[0\]\.duration: must be more than 0/],
    [{ incidents: [{ duration: 5 }] }, /incidents\[0\]\.segment: is required/],
    [{ incidents: [{ segment: 'a', duration: 5, lane: 1 }] }, /incidents\[0\]\.lane: unknown field/],
    [{ randomIncidents: { ratePerHour: 1, roadClasses: ['motorway'] } }, /randomIncidents\.roadClasses\[0\]: must be one of/],
    [
      { randomIncidents: { ratePerHour: 1, minDuration: '1h', maxDuration: '5m' } },
      /randomIncidents\.maxDuration: must not be below minDuration/,
    ],
    [{ randomIncidents: {} }, /randomIncidents\.ratePerHour: is required/],
    [[1, 2], /must be an object/],
  ];
  for (const [doc, pattern] of cases) {
    assert.throws(
      () => parseScenario(doc),
      (err: unknown) => {
        assert.ok(isV2xError(err, 'SCENARIO_INVALID'), `${JSON.stringify(doc)}: ${String(err)}`);
        assert.match(err.message, pattern, JSON.stringify(doc));
        return true;
      },
    );
  }
  assert.throws(() => parseScenarioText('cars: [1, 2'), /not valid YAML or JSON/);
});

test('scenario files: YAML or JSON, a relative city file, errors name the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-scenario-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'city.geojson'), JSON.stringify(exportGeoJson(generateCity({ seed: 2, sizeM: 1200 }))));
  writeFileSync(join(dir, 's.json'), JSON.stringify({ seed: 'demo', cars: 20, city: { file: 'city.geojson' } }));
  const s = loadScenarioFile(join(dir, 's.json'));
  assert.deepEqual(s.city, { kind: 'file', path: join(dir, 'city.geojson'), import: {} });
  const built = buildScenario(s);
  assert.equal(built.model.carCount, 20);
  writeFileSync(join(dir, 'bad.yaml'), 'cars: many\n');
  assert.throws(() => loadScenarioFile(join(dir, 'bad.yaml')), /bad\.yaml: cars: must be a number/);
  assert.throws(
    () => loadScenarioFile(join(dir, 'none.yaml')),
    (err: unknown) => isV2xError(err, 'SCENARIO_UNREADABLE'),
  );
  writeFileSync(join(dir, 'unknown-seg.yaml'), 'cars: 1\ncity: { sizeM: 1000 }\nincidents: [{ segment: nowhere, duration: 60 }]\n');
  assert.throws(
    () => buildScenario(loadScenarioFile(join(dir, 'unknown-seg.yaml'))),
    /incidents\[0\]\.segment: no segment with id nowhere/,
  );
});

test('the bundled example scenario is valid on its city', () => {
  const path = repoPath('simulator', 'scenario', 'examples', 'incident-demo.yaml');
  const s = loadScenarioFile(path);
  assert.equal(s.incidents[0]?.id, 'crash-schleissheimer');
  const { network, model } = buildScenario(s, { cars: 10 });
  const seg = network.segments[network.segmentIndexById.get('g10_12-g10_13') ?? -1];
  assert.equal(seg?.roadClass, 'arterial', 'the comment in the file says so');
  assert.equal(seg?.lanes, 2);
  assert.equal(model.carCount, 10);
});
