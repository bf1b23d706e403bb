/**
 * Import of a real road network from GeoJSON: a FeatureCollection of LineStrings and
 * MultiLineStrings with OSM-style properties (highway, maxspeed, lanes, oneway, name), as written by
 * osmtogeojson, QGIS or ogr2ogr from an OpenStreetMap extract. Ways are split into segments at every
 * vertex that two ways share (and at their ends); a two-way way gives a segment in each direction.
 * Point features tagged highway=traffic_signals mark the vertex they sit on as signalised.
 *
 * Refused with ROAD_NETWORK_INVALID, naming the problem: not a FeatureCollection, no usable roads,
 * bad coordinates (naming the feature), duplicate segment ids. A network that is not strongly
 * connected keeps its largest strongly connected part with a warning (cars must reach every road
 * they are sent to); with `onDisconnected: 'refuse'`, or when that part holds less than
 * `minConnectedFraction` of the nodes, it is refused instead. Either way the message names the
 * parts (nodes each, sample node ids and positions) and the dead ends (import-common.ts), and
 * every feature not used is reported by reason with examples. SUMO's net2geojson.py output
 * (`element: edge|lane|junction|tls_connection`) is read as directed edges (geojson-sumo.ts).
 *
 * Segment ids: `properties.segmentId` (as in our own export), else the feature id, `@id`, `osm_id`
 * or `id`, else `f<index>`; a way that yields several directed segments gets `<key>:<piece>` and
 * `<key>:<piece>:r` for the reverse direction.
 */
import { V2xError } from '../core/errors.js';
import { readTextFile } from '../core/text-file.js';
import type { LonLat } from './geo.js';
import { createNetwork, type RoadNodeSpec, type RoadSegmentSpec } from './network.js';
import { isSumoFeature, SumoGeoJson } from './geojson-sumo.js';
import { keepConnected, SkipLog, withSource, type ImportOptions, type ImportResult } from './import-common.js';
import {
  HIGHWAY_DEFAULTS,
  NON_CAR_HIGHWAYS,
  parseLanesPerDirection,
  parseMaxspeedKmh,
  parseOneway,
  type HighwayDefaults,
} from './osm-tags.js';

export type { ImportOptions, ImportResult } from './import-common.js';

type Props = Readonly<Record<string, unknown>>;

interface Way {
  readonly key: string;
  readonly feature: number;
  readonly lines: LonLat[][];
  readonly props: Props;
  readonly defaults: HighwayDefaults;
}

const fail = (detail: string): V2xError => new V2xError('ROAD_NETWORK_INVALID', detail);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readLine(raw: unknown, where: string): LonLat[] {
  if (!Array.isArray(raw)) throw fail(`${where}: coordinates must be an array of [lon, lat] positions`);
  const out: LonLat[] = [];
  for (const p of raw) {
    if (
      !Array.isArray(p) ||
      p.length < 2 ||
      typeof p[0] !== 'number' ||
      typeof p[1] !== 'number' ||
      !Number.isFinite(p[0]) ||
      !Number.isFinite(p[1])
    ) {
      throw fail(`${where}: coordinates must be [lon, lat] numbers`);
    }
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) throw fail(`${where}: coordinate [${p[0]}, ${p[1]}] is out of range`);
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    out.push([p[0], p[1]]);
  }
  if (out.length < 2) throw fail(`${where}: a line needs at least two distinct positions`);
  return out;
}

const vertexKey = (p: LonLat): string => `${p[0].toFixed(7)},${p[1].toFixed(7)}`;

function wayKey(feature: Record<string, unknown>, props: Props, index: number): string {
  for (const v of [props.segmentId, feature.id, props['@id'], props.osm_id, props.id]) {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return `f${index}`;
}

/** Builds a network from a parsed GeoJSON document. */
export function importGeoJson(doc: unknown, options: ImportOptions = {}): ImportResult {
  const warnings: string[] = [];
  if (!isObject(doc) || doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw fail('not a GeoJSON FeatureCollection (need {"type": "FeatureCollection", "features": [...]})');
  }
  if (doc.features.length === 0) throw fail('the FeatureCollection has no features');

  const ways: Way[] = [];
  const signals = new Set<string>();
  const skipped = new SkipLog();
  const sumo = new SumoGeoJson(skipped);
  const noHighway = new SkipLog();
  doc.features.forEach((feature: unknown, i: number) => {
    const where = `feature ${i}`;
    if (!isObject(feature) || feature.type !== 'Feature') throw fail(`${where}: not a GeoJSON Feature`);
    const geometry = feature.geometry;
    if (!isObject(geometry)) throw fail(`${where}: missing geometry`);
    const props: Props = isObject(feature.properties) ? feature.properties : {};
    if (isSumoFeature(props)) {
      sumo.add(props, geometry.type === 'LineString' ? readLine(geometry.coordinates, where) : undefined, where);
      return;
    }
    if (geometry.type === 'Point') {
      const c = geometry.coordinates;
      if (props.highway === 'traffic_signals' && Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
        signals.add(vertexKey([c[0], c[1]]));
      } else skipped.add('a Point that is not highway=traffic_signals', where);
      return;
    }
    if (geometry.type !== 'LineString' && geometry.type !== 'MultiLineString') {
      skipped.add(`geometry ${String(geometry.type)} is not a line`, where);
      return;
    }
    if (typeof props.highway !== 'string') noHighway.add('taken as highway=residential (no highway property)', where);
    const highway = typeof props.highway === 'string' ? props.highway : 'residential';
    if (NON_CAR_HIGHWAYS.has(highway)) {
      skipped.add(`highway=${highway} is not for cars`, where);
      return;
    }
    const defaults = HIGHWAY_DEFAULTS[highway];
    if (defaults === undefined) {
      skipped.add(`highway=${highway} is not a known road class for cars`, where);
      return;
    }
    let lines: LonLat[][];
    if (geometry.type === 'LineString') lines = [readLine(geometry.coordinates, where)];
    else {
      if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0) {
        throw fail(`${where}: MultiLineString coordinates must be a non-empty array of lines`);
      }
      lines = geometry.coordinates.map((c: unknown, k: number) => readLine(c, `${where} line ${k}`));
    }
    ways.push({ key: wayKey(feature, props, i), feature: i, lines, props, defaults });
  });
  if (sumo.edges > 0) {
    if (ways.length > 0) throw fail('the file mixes SUMO edges (element=edge) with OSM-style ways; import one kind');
    const built = sumo.build(warnings);
    warnings.push(...skipped.lines('feature(s)'));
    return keepConnected(createNetwork(built), warnings, options);
  }
  warnings.push(...skipped.lines('feature(s)'), ...noHighway.lines('feature(s)').map((l) => l.replace(' skipped: ', ' ')));
  if (ways.length === 0) {
    throw fail(
      `the file has no drivable roads (LineStrings with a car highway class)${warnings.length > 0 ? `: ${warnings.join('; ')}` : ''}`,
    );
  }

  // a vertex is a node when it ends a line, carries a signal (OSM puts a signal on the way before
  // the crossing: the segment ends at the stop line), or when lines pass through it between
  // different neighbours (a crossing); the two directions of one street drawn as two features do not split it
  const split = new Set<string>();
  const through = new Map<string, string>();
  for (const w of ways) {
    for (const line of w.lines) {
      line.forEach((p, k) => {
        const key = vertexKey(p);
        if (k === 0 || k === line.length - 1 || signals.has(key)) {
          split.add(key);
          return;
        }
        const a = vertexKey(line[k - 1] as LonLat);
        const b = vertexKey(line[k + 1] as LonLat);
        const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
        const seen = through.get(key);
        if (seen === undefined) through.set(key, pair);
        else if (seen !== pair) split.add(key);
      });
    }
  }
  const nodes: RoadNodeSpec[] = [];
  const nodeIds = new Map<string, string>();
  const nodeFor = (p: LonLat): string => {
    const key = vertexKey(p);
    let id = nodeIds.get(key);
    if (id === undefined) {
      id = `v${nodes.length}`;
      nodeIds.set(key, id);
      nodes.push({ id, lon: p[0], lat: p[1], signal: signals.has(key) });
    }
    return id;
  };

  const segments: RoadSegmentSpec[] = [];
  const seen = new Set<string>();
  for (const w of ways) {
    const where = `feature ${w.feature}`;
    const oneway = parseOneway(w.props.oneway, w.defaults.impliedOneway, w.props.junction);
    let speedKmh = parseMaxspeedKmh(w.props.maxspeed);
    if (speedKmh === undefined) {
      if (w.props.maxspeed !== undefined)
        warnings.push(`${where}: maxspeed ${JSON.stringify(w.props.maxspeed)} not understood; using ${w.defaults.speedKmh} km/h`);
      speedKmh = w.defaults.speedKmh;
    }
    const lanes = parseLanesPerDirection(w.props.lanes, oneway) ?? w.defaults.lanes;
    const name = typeof w.props.name === 'string' ? w.props.name : typeof w.props.ref === 'string' ? w.props.ref : '';
    const pieces: LonLat[][] = [];
    for (const line of w.lines) {
      let current: LonLat[] = [line[0] as LonLat];
      for (let k = 1; k < line.length; k++) {
        const p = line[k] as LonLat;
        current.push(p);
        if (k === line.length - 1 || split.has(vertexKey(p))) {
          pieces.push(current);
          current = [p];
        }
      }
    }
    const directed = oneway === 'both' ? 2 : 1;
    const single = pieces.length * directed === 1;
    pieces.forEach((piece, k) => {
      const add = (geometry: LonLat[], reverse: boolean): void => {
        const id = single ? w.key : `${w.key}:${k}${reverse ? ':r' : ''}`;
        if (seen.has(id)) throw fail(`${where}: duplicate segment id ${id}`);
        seen.add(id);
        segments.push({
          id,
          from: nodeFor(geometry[0] as LonLat),
          to: nodeFor(geometry[geometry.length - 1] as LonLat),
          geometry,
          lanes,
          freeFlowMps: speedKmh / 3.6,
          roadClass: w.defaults.roadClass,
          name,
          highway: typeof w.props.highway === 'string' ? w.props.highway : 'residential',
        });
      };
      if (oneway !== 'backward') add(piece, false);
      if (oneway !== 'forward') add(piece.slice().reverse(), true);
    });
  }

  return keepConnected(createNetwork({ nodes, segments }), warnings, options);
}

/** Parses GeoJSON text read from `path` and imports it; errors name the file. */
export function importGeoJsonText(text: string, path: string, options: ImportOptions = {}): ImportResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new V2xError('ROAD_NETWORK_INVALID', `${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return importGeoJson(doc, options);
  } catch (err) {
    throw withSource(err, path);
  }
}

/** Thin loader: reads the file, then imports it. */
export function loadGeoJsonFile(path: string, options: ImportOptions = {}): ImportResult {
  return importGeoJsonText(readTextFile(path, 'ROAD_NETWORK_UNREADABLE'), path, options);
}
