import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCity } from '../../../road/city.js';
import { stronglyConnectedComponents } from '../../../road/connectivity.js';
import { exportGeoJson } from '../../../road/geojson-export.js';
import { distanceM } from '../../../road/geo.js';

test('the built-in city is strongly connected and has every road class with its speeds', () => {
  const net = generateCity({ seed: 1 });
  assert.ok(net.segments.length > 1000, `${net.segments.length} segments`);
  assert.equal(stronglyConnectedComponents(net).count, 1);
  const byClass = new Map<string, Set<number>>();
  for (const s of net.segments) {
    const speeds = byClass.get(s.roadClass) ?? new Set<number>();
    speeds.add(Math.round(s.freeFlowMps * 3.6));
    byClass.set(s.roadClass, speeds);
    assert.ok(s.lengthM > 20, `segment ${s.id} is ${s.lengthM} m`);
    assert.ok(s.name.length > 0);
    if (s.roadClass === 'residential') assert.equal(s.lanes, 1);
    if (s.roadClass === 'arterial' || s.roadClass === 'highway') assert.equal(s.lanes, 2);
  }
  assert.deepEqual([...(byClass.get('residential') ?? [])], [30]);
  for (const v of byClass.get('arterial') ?? []) assert.ok(v === 50 || v === 60);
  for (const v of byClass.get('highway') ?? []) assert.ok(v >= 80 && v <= 100);
  assert.ok(byClass.has('ramp'));
  assert.ok(
    net.nodes.some((n) => n.signal),
    'signals where arterials cross',
  );
  assert.equal(new Set(net.segments.map((s) => s.id)).size, net.segments.length, 'ids are unique');
  // a few km across, around the default centre
  for (const n of net.nodes) assert.ok(distanceM(11.575, 48.137, n.lon, n.lat) < 6000);
});

test('the same seed gives the same city; another seed or centre gives another', () => {
  const a = JSON.stringify(exportGeoJson(generateCity({ seed: 5 })));
  assert.equal(JSON.stringify(exportGeoJson(generateCity({ seed: 5 }))), a);
  assert.notEqual(JSON.stringify(exportGeoJson(generateCity({ seed: 6 }))), a);
  const berlin = generateCity({ seed: 5, centre: { lat: 52.52, lon: 13.405 }, sizeM: 2000 });
  assert.ok(berlin.nodes.every((n) => distanceM(13.405, 52.52, n.lon, n.lat) < 3000));
  assert.equal(stronglyConnectedComponents(berlin).count, 1);
});

test('a city without the ring has no highway', () => {
  const net = generateCity({ seed: 2, sizeM: 1500, ring: false });
  assert.ok(net.segments.every((s) => s.roadClass !== 'highway' && s.roadClass !== 'ramp'));
});
