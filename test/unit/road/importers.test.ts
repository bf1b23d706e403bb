import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { importGeoJson } from '../../../road/geojson-import.js';
import { loadNetworkFile, networkFormat } from '../../../road/load-network.js';
import { importOsm } from '../../../road/osm-import.js';
import { importSumoNet } from '../../../road/sumo-net-import.js';
import { parseUtmProj, utmToLonLat } from '../../../road/utm.js';

/** A 2 x 2 block of SUMO junctions 200 m apart (UTM zone 32 around Munich), two-way streets, one signal. */
function sumoNet(extra = ''): string {
  const J = { A: [0, 0], B: [200, 0], C: [200, 200], D: [0, 200] } as const;
  const edge = (from: keyof typeof J, to: keyof typeof J, lanes: number, speed: number, name = ''): string => {
    const [x0, y0] = J[from];
    const [x1, y1] = J[to];
    const ls = Array.from(
      { length: lanes },
      (_, i) =>
        `<lane id="${from}${to}_${i}" index="${i}" speed="${speed}" length="190" shape="${x0 + (x1 - x0) * 0.05},${y0 + (y1 - y0) * 0.05} ${x1 - (x1 - x0) * 0.05},${y1 - (y1 - y0) * 0.05}"/>`,
    ).join('');
    return `<edge id="${from}${to}" from="${from}" to="${to}" priority="1"${name === '' ? '' : ` name="${name}"`}>${ls}</edge>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<net version="1.20">
  <location netOffset="-690000.00,-5334000.00" convBoundary="0,0,200,200" origBoundary="11,48,12,49" projParameter="+proj=utm +zone=32 +ellps=WGS84 +datum=WGS84 +units=m +no_defs"/>
  <edge id=":A_0" function="internal"><lane id=":A_0_0" index="0" speed="5" length="5" shape="0,0 1,1"/></edge>
  ${edge('A', 'B', 2, 13.89, 'Main St')}${edge('B', 'A', 2, 13.89, 'Main St')}
  ${edge('B', 'C', 1, 8.33)}${edge('C', 'B', 1, 8.33)}
  ${edge('C', 'D', 1, 8.33)}${edge('D', 'C', 1, 8.33)}
  ${edge('D', 'A', 1, 8.33)}${edge('A', 'D', 1, 8.33)}
  <edge id="walk" from="A" to="C"><lane id="walk_0" index="0" allow="pedestrian" speed="1.4" length="280" shape="0,0 200,200"/></edge>
  <junction id="A" type="traffic_light" x="0" y="0" incLanes="" intLanes="" shape=""/>
  <junction id="B" type="priority" x="200" y="0" incLanes="" intLanes="" shape=""/>
  <junction id="C" type="priority" x="200" y="200" incLanes="" intLanes="" shape=""/>
  <junction id="D" type="priority" x="0" y="200" incLanes="" intLanes="" shape=""/>
  <junction id=":A_0_0" type="internal" x="0" y="0" incLanes="" intLanes=""/>
  <connection from="BC" to="CD" fromLane="0" toLane="0" dir="s" state="M"/>
  ${extra}
</net>`;
}

test('UTM inverse: the central meridian and a round trip through the forward series', () => {
  const z = parseUtmProj('+proj=utm +zone=32 +ellps=WGS84 +datum=WGS84 +units=m +no_defs');
  assert.deepEqual(z, { zone: 32, south: false });
  const [lon, lat] = utmToLonLat(500_000, 0, { zone: 32, south: false });
  assert.ok(Math.abs(lon - 9) < 1e-9 && Math.abs(lat) < 1e-9);
  // Munich: 48.137 N 11.575 E is about 691.6 km E, 5334.1 km N in zone 32
  const [mlon, mlat] = utmToLonLat(691_600, 5_334_100, { zone: 32, south: false });
  assert.ok(Math.abs(mlon - 11.575) < 0.01 && Math.abs(mlat - 48.137) < 0.01, `${mlon},${mlat}`);
  assert.equal(parseUtmProj('+proj=merc +ellps=WGS84'), undefined);
  assert.deepEqual(parseUtmProj('+proj=utm +zone=33 +south +ellps=WGS84'), { zone: 33, south: true });
});

test('SUMO .net.xml: edges are directed segments with lanes, speeds, signals; internal and non-car edges skipped', () => {
  const { network: net, warnings } = importSumoNet(sumoNet(), 'grid.net.xml');
  assert.equal(net.segments.length, 8);
  assert.ok(net.segmentIndexById.has('AB') && net.segmentIndexById.has('BA'));
  assert.ok(!net.segmentIndexById.has(':A_0') && !net.segmentIndexById.has('walk'));
  const ab = net.segments[net.segmentIndexById.get('AB') as number];
  assert.equal(ab?.lanes, 2);
  assert.equal(ab?.freeFlowMps, 13.89);
  assert.equal(ab?.roadClass, 'arterial');
  assert.equal(ab?.name, 'Main St');
  assert.ok(Math.abs((ab?.lengthM ?? 0) - 200) < 2, `spans junction to junction (${ab?.lengthM} m)`);
  const bc = net.segments[net.segmentIndexById.get('BC') as number];
  const cd = net.segments[net.segmentIndexById.get('CD') as number];
  assert.equal(bc?.roadClass, 'residential');
  assert.equal(bc?.name, cd?.name, 'a straight-on connection joins unnamed edges into one road');
  assert.notEqual(bc?.name, '');
  assert.equal(net.nodes[net.nodeIndexById.get('A') as number]?.signal, true);
  assert.equal(net.nodes[net.nodeIndexById.get('B') as number]?.signal, false);
  const a = net.nodes[net.nodeIndexById.get('A') as number];
  assert.ok(a !== undefined && Math.abs(a.lon - 11.57) < 0.05 && Math.abs(a.lat - 48.13) < 0.05, 'UTM inverted to lon/lat');
  assert.ok(
    warnings.some((w) => /1 edge\(s\) skipped: no lane allows passenger cars \(e.g. walk\)/.test(w)),
    warnings.join('|'),
  );
});

test('SUMO .net.xml: bad input is refused naming the file and line', () => {
  assert.throws(() => importSumoNet('<osm></osm>', 'x.net.xml'), /x\.net\.xml: not a SUMO network/);
  assert.throws(() => importSumoNet('<net><edge id="a"', 'x.net.xml'), /x\.net\.xml: not well-formed XML/);
  assert.throws(
    () => importSumoNet(sumoNet().replace('+proj=utm +zone=32', '+proj=lcc +zone=32'), 'x.net.xml'),
    /projection "\+proj=lcc.*not supported/,
  );
  assert.throws(() => importSumoNet(sumoNet().replace('speed="8.33"', 'speed="fast"'), 'x.net.xml'), /x\.net\.xml:\d+: lane BC_0: speed/);
});

test('a disconnected network names its parts, their sizes, sample nodes and the dead ends', () => {
  // a one-way spur E -> F: F has no way out
  const extra =
    '<edge id="AE" from="A" to="E"><lane id="AE_0" index="0" speed="8" length="100" shape="0,0 -100,0"/></edge>' +
    '<junction id="E" type="priority" x="-100" y="0"/>';
  const { network, warnings } = importSumoNet(sumoNet(extra), 'spur.net.xml');
  assert.equal(network.nodes.length, 4);
  const w = warnings.find((x) => x.includes('disconnected')) ?? '';
  assert.match(w, /80% of nodes \(4 of 5, 2 parts\)/);
  assert.match(w, /part 1: 4 node\(s\), e\.g\. A \(/);
  assert.match(w, /part 2: 1 node\(s\), e\.g\. E \(/);
  assert.match(w, /1 node\(s\) with no way out.*e\.g\. E/);
  assert.throws(() => importSumoNet(sumoNet(extra), 'spur.net.xml', { onDisconnected: 'refuse' }), /part 2: 1 node\(s\), e\.g\. E/);
});

test('OpenStreetMap XML: ways split at shared nodes, tags read, signals kept, clipped ways reported', () => {
  const osm = `<?xml version="1.0"?><osm version="0.6">
    <node id="1" lat="48.1370" lon="11.5750"/><node id="2" lat="48.1370" lon="11.5770"><tag k="highway" v="traffic_signals"/></node>
    <node id="3" lat="48.1390" lon="11.5770"/><node id="4" lat="48.1390" lon="11.5750"/>
    <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="primary"/><tag k="maxspeed" v="60"/><tag k="lanes" v="4"/><tag k="name" v="Ring"/></way>
    <way id="11"><nd ref="3"/><nd ref="4"/><nd ref="1"/><nd ref="99"/><tag k="highway" v="residential"/><tag k="name" v="Side"/></way>
    <way id="12"><nd ref="1"/><nd ref="3"/><tag k="highway" v="footway"/></way>
  </osm>`;
  const { network: net, warnings } = importOsm(osm, 'town.osm');
  assert.ok(net.segmentIndexById.has('way/10:0') && net.segmentIndexById.has('way/10:0:r'));
  const s = net.segments[net.segmentIndexById.get('way/10:0') as number];
  assert.equal(s?.lanes, 2);
  assert.ok(Math.abs((s?.freeFlowMps ?? 0) - 60 / 3.6) < 1e-9);
  assert.ok(net.nodes.some((n) => n.signal && Math.abs(n.lon - 11.577) < 1e-9));
  assert.ok(
    warnings.some((w) => /way\(s\) skipped: refers to nodes missing from the extract: cut there \(e\.g\. way\/11\)/.test(w)),
    warnings.join('|'),
  );
  assert.ok(
    warnings.some((w) => /highway=footway is not for cars/.test(w)),
    warnings.join('|'),
  );
  assert.throws(() => importOsm('<net/>', 'bad.osm'), /bad\.osm: not OpenStreetMap XML/);
});

test('SUMO net2geojson.py output: directed edges joined by node ids, speeds and lanes read, tls marks signals', () => {
  const line = (a: [number, number], b: [number, number]) => ({ type: 'LineString', coordinates: [a, b] });
  const P: Record<string, [number, number]> = { A: [11.575, 48.137], B: [11.578, 48.137], C: [11.578, 48.139] };
  const e = (id: string, f: string, t: string) => ({
    type: 'Feature',
    properties: { element: 'edge', id, name: '', maxSpeed: 13.89, numLanes: 2, allow: 'passenger,truck', fromNode: f, toNode: t },
    geometry: line(P[f] as [number, number], P[t] as [number, number]),
  });
  const doc = {
    type: 'FeatureCollection',
    features: [
      e('AB', 'A', 'B'),
      e('BA', 'B', 'A'),
      e('BC', 'B', 'C'),
      e('CB', 'C', 'B'),
      { type: 'Feature', properties: { element: 'edge', id: ':B_0' }, geometry: line(P.B as [number, number], P.C as [number, number]) },
      {
        type: 'Feature',
        properties: { element: 'tls_connection', id: 'B_0', tls: 'B' },
        geometry: line(P.B as [number, number], P.C as [number, number]),
      },
    ],
  };
  const { network: net, warnings } = importGeoJson(doc);
  assert.equal(net.segments.length, 4, 'one segment per directed edge, no overlay of both directions');
  assert.equal(net.segments[net.segmentIndexById.get('AB') as number]?.lanes, 2);
  assert.equal(net.nodes[net.nodeIndexById.get('B') as number]?.signal, true);
  assert.ok(warnings.some((w) => /SUMO internal edge/.test(w)));
});

test('loadNetworkFile picks the format from the name or the content, gzip included', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-net-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const gz = join(dir, 'grid.net.xml.gz');
  writeFileSync(gz, gzipSync(sumoNet()));
  assert.equal(loadNetworkFile(gz).network.segments.length, 8);
  const anon = join(dir, 'network.dat');
  writeFileSync(anon, sumoNet());
  assert.equal(loadNetworkFile(anon).network.segments.length, 8);
  assert.equal(networkFormat('x.osm', ''), 'osm');
  assert.equal(networkFormat('x', '{"type":"FeatureCollection"}'), 'geojson');
  writeFileSync(join(dir, 'x.txt'), 'hello');
  assert.throws(() => loadNetworkFile(join(dir, 'x.txt')), /unknown road network format/);
  assert.throws(() => loadNetworkFile(join(dir, 'missing.net.xml')), /cannot read the road network file/);
});
