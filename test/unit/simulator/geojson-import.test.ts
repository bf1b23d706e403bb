import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importGeoJson, loadGeoJsonFile } from '../../../road/geojson-import.js';
import { exportGeoJson } from '../../../road/geojson-export.js';
import { generateCity } from '../../../road/city.js';
import { parseMaxspeedKmh, parseOneway, parseLanesPerDirection } from '../../../road/osm-tags.js';
import { isV2xError } from '../../../core/errors.js';
import { at } from './net-fixtures.js';

type Feature = { type: 'Feature'; id?: string | number; properties: Record<string, unknown>; geometry: unknown };
const line = (props: Record<string, unknown>, ...pts: [number, number][]): Feature => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'LineString', coordinates: pts.map(([x, y]) => at(x, y)) },
});
const fc = (...features: unknown[]): unknown => ({ type: 'FeatureCollection', features });

/** A cross: a two-way primary road west-east and a residential street south-north sharing the middle vertex. */
function cross(): unknown {
  return fc(
    { ...line({ highway: 'primary', name: 'Hauptstraße', maxspeed: '60', lanes: '4' }, [0, 0], [200, 0], [400, 0]), id: 'way/1' },
    { ...line({ highway: 'residential', name: 'Nebenweg' }, [200, -200], [200, 0], [200, 200]), id: 'way/2' },
    { type: 'Feature', properties: { highway: 'traffic_signals' }, geometry: { type: 'Point', coordinates: at(200, 0) } },
    { type: 'Feature', properties: { highway: 'footway' }, geometry: { type: 'LineString', coordinates: [at(0, 10), at(10, 10)] } },
  );
}

test('a small valid network: ways split at shared vertices, both directions, tags and defaults', () => {
  const { network, warnings } = importGeoJson(cross());
  assert.equal(network.nodes.length, 5);
  assert.equal(network.segments.length, 8, '4 pieces x 2 directions');
  const primary = network.segments.filter((s) => s.name === 'Hauptstraße');
  assert.equal(primary.length, 4);
  for (const s of primary) {
    assert.equal(s.roadClass, 'arterial');
    assert.equal(s.lanes, 2, 'lanes=4 on a two-way road is 2 per direction');
    assert.ok(Math.abs(s.freeFlowMps - 60 / 3.6) < 1e-9);
    assert.ok(Math.abs(s.lengthM - 200) < 1);
  }
  const residential = network.segments.filter((s) => s.name === 'Nebenweg');
  for (const s of residential) {
    assert.ok(Math.abs(s.freeFlowMps - 30 / 3.6) < 1e-9, 'default 30 km/h');
    assert.equal(s.lanes, 1);
  }
  assert.deepEqual(network.segments.map((s) => s.id).slice(0, 4), ['way/1:0', 'way/1:0:r', 'way/1:1', 'way/1:1:r']);
  assert.equal(network.nodes.filter((n) => n.signal).length, 1, 'the signal sits on the crossing');
  assert.ok(
    warnings.some((w) => /skipped/.test(w)),
    'the footway is skipped with a warning',
  );
});

test('maxspeed, oneway and lanes parsing', () => {
  assert.equal(parseMaxspeedKmh('50'), 50);
  assert.ok(Math.abs((parseMaxspeedKmh('30 mph') ?? 0) - 48.28) < 0.01);
  assert.equal(parseMaxspeedKmh('70 km/h'), 70);
  assert.equal(parseMaxspeedKmh('DE:urban'), 50);
  assert.equal(parseMaxspeedKmh('walk'), 7);
  assert.equal(parseMaxspeedKmh(80), 80);
  assert.equal(parseMaxspeedKmh('signals'), undefined);
  assert.equal(parseOneway('yes', false, undefined), 'forward');
  assert.equal(parseOneway('-1', false, undefined), 'backward');
  assert.equal(parseOneway('no', true, undefined), 'both');
  assert.equal(parseOneway(undefined, true, undefined), 'forward', 'motorways are one-way');
  assert.equal(parseOneway(undefined, false, 'roundabout'), 'forward');
  assert.equal(parseLanesPerDirection('3', 'forward'), 3);
  assert.equal(parseLanesPerDirection('1', 'both'), 1);

  // a one-way loop, one way tagged -1: drivable round only in the tagged directions
  const loop = fc(
    line({ highway: 'secondary', oneway: 'yes', maxspeed: '30 mph' }, [0, 0], [300, 0]),
    line({ highway: 'secondary', oneway: 'yes' }, [300, 0], [300, 300]),
    line({ highway: 'secondary', oneway: '-1' }, [0, 300], [300, 300]),
    line({ highway: 'secondary', oneway: 'yes', maxspeed: 'fast' }, [0, 300], [0, 0]),
  );
  const { network, warnings } = importGeoJson(loop);
  assert.equal(network.segments.length, 4);
  const reversed = network.segments.find((s) => s.id === 'f2');
  assert.ok(reversed);
  assert.deepEqual(reversed.geometry[0], at(300, 300), 'oneway=-1 runs against the drawing direction');
  assert.ok(Math.abs((network.segments.find((s) => s.id === 'f0')?.freeFlowMps ?? 0) - 48.28 / 3.6) < 0.01);
  assert.ok(warnings.some((w) => /feature 3: maxspeed "fast" not understood/.test(w)));
});

function refused(doc: unknown, pattern: RegExp, options = {}): void {
  assert.throws(
    () => importGeoJson(doc, options),
    (err: unknown) => {
      assert.ok(isV2xError(err, 'ROAD_NETWORK_INVALID'), String(err));
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test('empty, malformed and disconnected input is refused naming the problem', () => {
  refused({ type: 'Feature' }, /not a GeoJSON FeatureCollection/);
  refused(null, /not a GeoJSON FeatureCollection/);
  refused(fc(), /has no features/);
  refused(fc({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [1, 2] } }), /no drivable roads/);
  refused(
    fc(line({}, [0, 0], [100, 0]), {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [1, 'x'],
          [2, 3],
        ],
      },
    }),
    /feature 1: coordinates must be \[lon, lat\] numbers/,
  );
  refused(
    fc({
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [200, 10],
          [1, 1],
        ],
      },
    }),
    /feature 0: coordinate \[200, 10\] is out of range/,
  );
  refused(
    fc({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [at(0, 0)] } }),
    /feature 0: a line needs at least two distinct positions/,
  );
  refused(fc({ type: 'Feature', properties: {} }), /feature 0: missing geometry/);
  refused(fc({ ...line({}, [0, 0], [100, 0]), id: 'a' }, { ...line({}, [0, 100], [100, 100]), id: 'a' }), /duplicate segment id a/);

  // two separate streets: half the nodes each
  const apart = fc(line({}, [0, 0], [100, 0]), line({}, [0, 500], [100, 500]));
  refused(apart, /network is disconnected: largest strongly connected part holds 50% of nodes \(2 of 4, 2 parts\)/, {
    minConnectedFraction: 0.6,
  });
  // a big connected part and a stray one-way street: kept, with a warning, or refused on request
  const mostly = fc(
    line({}, [0, 0], [100, 0], [200, 0], [300, 0]),
    line({}, [100, 0], [100, 100]),
    line({ oneway: 'yes' }, [1000, 0], [1100, 0]),
  );
  const kept = importGeoJson(mostly);
  assert.equal(kept.network.nodes.length, 4);
  assert.ok(kept.warnings.some((w) => /disconnected: largest strongly connected part holds 67% of nodes.*keeping that part only/.test(w)));
  refused(mostly, /disconnected/, { onDisconnected: 'refuse' });
});

test('the thin file loader names the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-geojson-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = join(dir, 'net.geojson');
  writeFileSync(good, JSON.stringify(cross()));
  assert.equal(loadGeoJsonFile(good).network.segments.length, 8);
  const broken = join(dir, 'broken.geojson');
  writeFileSync(broken, '{"type": "FeatureCollection", ');
  assert.throws(() => loadGeoJsonFile(broken), /broken\.geojson: not valid JSON/);
  const empty = join(dir, 'empty.geojson');
  writeFileSync(empty, '{"type": "FeatureCollection", "features": []}');
  assert.throws(() => loadGeoJsonFile(empty), /empty\.geojson: the FeatureCollection has no features/);
  assert.throws(
    () => loadGeoJsonFile(join(dir, 'missing.geojson')),
    (err: unknown) => isV2xError(err, 'ROAD_NETWORK_UNREADABLE'),
  );
});

test('an exported network imports again with the same segment ids, speeds and lanes', () => {
  const city = generateCity({ seed: 3, sizeM: 1500 });
  const doc = JSON.parse(JSON.stringify(exportGeoJson(city))) as unknown;
  const { network } = importGeoJson(doc);
  assert.equal(network.segments.length, city.segments.length);
  for (const s of city.segments) {
    const t = network.segments[network.segmentIndexById.get(s.id) ?? -1];
    assert.ok(t, `segment ${s.id} kept its id`);
    assert.equal(t.lanes, s.lanes);
    assert.equal(t.roadClass, s.roadClass);
    assert.ok(Math.abs(t.freeFlowMps - s.freeFlowMps) < 0.05);
    assert.ok(Math.abs(t.lengthM - s.lengthM) < 0.1);
  }
  assert.equal(network.nodes.filter((n) => n.signal).length, city.nodes.filter((n) => n.signal).length);
});
