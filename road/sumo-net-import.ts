/**
 * Import of a SUMO road network (`.net.xml`, as written by netconvert or netgenerate; `.gz`
 * accepted). One segment per normal edge, keyed by the SUMO edge id (so SUMO's per-edge outputs,
 * edgeData and FCD lanes, name our segments); one node per junction, keyed by the junction id.
 *
 * - Lanes: the edge's lanes that allow passenger cars (`allow` / `disallow`); an edge with none is
 *   skipped. Speed: the fastest such lane's `speed` (m/s). One-way: SUMO edges are directed; a
 *   two-way street is two edges.
 * - Geometry: the carriageway centre (the car lanes' shapes averaged point by point, else the
 *   middle lane), from the from-junction's centre to the to-junction's centre, so a segment spans
 *   its junctions and consecutive segments touch (the junction's own internal lanes are skipped).
 * - Signals: junctions of type traffic_light (also _unregulated, _right_on_red).
 * - Road class: from the edge type (`highway.primary` from an OSM import), else from the speed
 *   (below 41 km/h residential, below 80 km/h arterial, else highway). Name: the edge's name, else
 *   the edges that run straight on through junctions (connections with dir="s") share one name,
 *   so a jam's chain follows the road as it does on named streets.
 * - Coordinates: UTM (`projParameter="+proj=utm ..."`) is inverted exactly; a network without a
 *   projection (`projParameter="!"`, netgenerate's default) is placed with its origin at `anchor`
 *   (default Munich) with a warning; any other projection is refused.
 * Internal, crossing, walking-area and connector edges are skipped. Turn restrictions (connections)
 * are not imported: the network model allows every turn except the U-turn.
 */
import { V2xError } from '../core/errors.js';
import { DEFAULT_CENTRE } from './city.js';
import { LocalProjection, type LonLat } from './geo.js';
import { keepConnected, SkipLog, withSource, type ImportOptions, type ImportResult } from './import-common.js';
import { createNetwork, defaultHighwayTag, type RoadClass, type RoadNodeSpec, type RoadSegmentSpec } from './network.js';
import { HIGHWAY_DEFAULTS } from './osm-tags.js';
import { parseUtmProj, utmToLonLat } from './utm.js';
import { parseXml, readNetworkText, type XmlAttrs } from './xml-read.js';

export interface SumoImportOptions extends ImportOptions {
  /** Where to put the origin of a network without a projection (default Munich). */
  readonly anchor?: { readonly lon: number; readonly lat: number };
}

interface RawLane {
  readonly index: number;
  readonly speed: number;
  readonly shape: [number, number][];
  readonly cars: boolean;
}

interface RawEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly name: string;
  readonly type: string;
  readonly line: number;
  readonly lanes: RawLane[];
}

const SIGNAL_TYPES = new Set(['traffic_light', 'traffic_light_unregulated', 'traffic_light_right_on_red']);

const fail = (where: string, detail: string): V2xError => new V2xError('ROAD_NETWORK_INVALID', `${where}: ${detail}`);

function parseShape(text: string | undefined, where: string): [number, number][] {
  if (text === undefined || text.trim() === '') return [];
  return text
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [x, y] = pair.split(',').map(Number);
      if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) throw fail(where, `bad shape point "${pair}"`);
      return [x, y] as [number, number];
    });
}

function allowsCars(a: XmlAttrs): boolean {
  const list = (v: string | undefined): string[] => (v === undefined ? [] : v.trim().split(/\s+/));
  if (a.allow !== undefined) return list(a.allow).some((c) => c === 'passenger' || c === 'all' || c === 'private');
  if (a.disallow !== undefined) return !list(a.disallow).some((c) => c === 'passenger' || c === 'all');
  return true;
}

function classOf(type: string, speedMps: number): { roadClass: RoadClass; highway: string } {
  const m = /(?:^|\.)([a-z_]+)$/.exec(type);
  const d = m === null ? undefined : HIGHWAY_DEFAULTS[m[1] as string];
  if (d !== undefined) return { roadClass: d.roadClass, highway: m?.[1] as string };
  const roadClass: RoadClass = speedMps < 11.4 ? 'residential' : speedMps < 22.2 ? 'arterial' : 'highway';
  return { roadClass, highway: defaultHighwayTag(roadClass) };
}

/** Builds a network from the text of a SUMO .net.xml file; `where` names it in messages. */
export function importSumoNet(text: string, where = 'SUMO network', options: SumoImportOptions = {}): ImportResult {
  const warnings: string[] = [];
  const skipped = new SkipLog();
  const edges: RawEdge[] = [];
  const junctions = new Map<string, { x: number; y: number; signal: boolean }>();
  const straight = new Map<string, string[]>();
  let offset: [number, number] = [0, 0];
  let proj = '!';
  let sawNet = false;
  let edge: RawEdge | undefined;
  parseXml(text, where, {
    open(name, a, line) {
      const at = `${where}:${line}`;
      switch (name) {
        case 'net':
          sawNet = true;
          return;
        case 'location': {
          const o = (a.netOffset ?? '0,0').split(',').map(Number);
          offset = [o[0] ?? 0, o[1] ?? 0];
          proj = a.projParameter ?? '!';
          return;
        }
        case 'edge': {
          edge = undefined;
          const fn = a.function ?? 'normal';
          if (fn !== 'normal') return; // internal lanes of junctions, crossings, walking areas
          if (a.id === undefined || a.from === undefined || a.to === undefined) throw fail(at, 'edge needs id, from and to');
          edge = { id: a.id, from: a.from, to: a.to, name: a.name ?? '', type: a.type ?? '', line, lanes: [] };
          edges.push(edge);
          return;
        }
        case 'lane': {
          if (edge === undefined) return;
          const speed = Number(a.speed);
          if (!Number.isFinite(speed) || speed <= 0) throw fail(at, `lane ${a.id ?? '?'}: speed must be a positive number of m/s`);
          edge.lanes.push({ index: Number(a.index ?? edge.lanes.length), speed, shape: parseShape(a.shape, at), cars: allowsCars(a) });
          return;
        }
        case 'junction': {
          if (a.type === 'internal' || a.id === undefined) return;
          const x = Number(a.x);
          const y = Number(a.y);
          if (!Number.isFinite(x) || !Number.isFinite(y)) throw fail(at, `junction ${a.id}: x and y must be numbers`);
          junctions.set(a.id, { x, y, signal: SIGNAL_TYPES.has(a.type ?? '') });
          return;
        }
        case 'connection': {
          if (a.from === undefined || a.to === undefined || a.from.startsWith(':') || a.dir !== 's') return;
          const list = straight.get(a.from) ?? [];
          if (!list.includes(a.to)) list.push(a.to);
          straight.set(a.from, list);
          return;
        }
        default:
          return;
      }
    },
    close(name) {
      if (name === 'edge') edge = undefined;
    },
  });
  if (!sawNet) throw fail(where, 'not a SUMO network (no <net> root element)');

  let toLonLat: (x: number, y: number) => LonLat;
  const utm = proj === '!' ? undefined : parseUtmProj(proj);
  if (proj === '!') {
    const anchor = options.anchor ?? DEFAULT_CENTRE;
    const p = new LocalProjection(anchor.lon, anchor.lat);
    toLonLat = (x, y) => [p.lon(x - offset[0]), p.lat(y - offset[1])];
    warnings.push(
      `${where} has no geo-reference (projParameter="!"): placed with its origin at ${anchor.lon},${anchor.lat}; ` +
        'SUMO FCD of it cannot be exported with geo coordinates (build it with netconvert --proj.utm from lon/lat input)',
    );
  } else if (utm !== undefined) {
    toLonLat = (x, y) => utmToLonLat(x - offset[0], y - offset[1], utm);
  } else {
    throw fail(where, `projection "${proj}" is not supported (UTM on WGS84, "+proj=utm +zone=N ...", or none)`);
  }

  // names: edges that run straight on through junctions share one
  const pred = new Map<string, number>();
  const backOf = new Map<string, string>();
  for (const [from, tos] of straight) {
    for (const t of tos) pred.set(t, (pred.get(t) ?? 0) + 1);
    if (tos.length === 1) backOf.set(tos[0] as string, from);
  }
  const nameOf = new Map<string, string>();
  const byId = new Map(edges.map((e) => [e.id, e] as const));
  for (const e of edges) {
    if (e.name !== '' || nameOf.has(e.id)) continue;
    // walk back to the start of the straight run, then forward naming each edge
    let start = e.id;
    const seen = new Set([start]);
    for (;;) {
      const back = pred.get(start) === 1 ? backOf.get(start) : undefined;
      if (back === undefined || seen.has(back) || byId.get(back)?.name !== '') break;
      seen.add(back);
      start = back;
    }
    const label = `(road of ${start})`;
    let cur: string | undefined = start;
    const walked = new Set<string>();
    while (cur !== undefined && !walked.has(cur) && !nameOf.has(cur)) {
      walked.add(cur);
      nameOf.set(cur, label);
      const tos: string[] = straight.get(cur) ?? [];
      const next: string | undefined = tos.length === 1 ? tos[0] : undefined;
      cur = next !== undefined && pred.get(next) === 1 && byId.get(next)?.name === '' ? next : undefined;
    }
  }

  const used = new Set<string>();
  const segments: RoadSegmentSpec[] = [];
  for (const e of edges) {
    const at = `${where}:${e.line}: edge ${e.id}`;
    const carLanes = e.lanes.filter((l) => l.cars).sort((x, y) => x.index - y.index);
    if (carLanes.length === 0) {
      skipped.add('no lane allows passenger cars', e.id);
      continue;
    }
    const jf = junctions.get(e.from);
    const jt = junctions.get(e.to);
    if (jf === undefined || jt === undefined) throw fail(at, `unknown junction ${jf === undefined ? e.from : e.to}`);
    if (e.from === e.to) {
      skipped.add('starts and ends at the same junction', e.id);
      continue;
    }
    const n = carLanes[0]?.shape.length ?? 0;
    let shape: [number, number][];
    if (n >= 2 && carLanes.every((l) => l.shape.length === n)) {
      shape = Array.from({ length: n }, (_, k) => {
        let x = 0;
        let y = 0;
        for (const l of carLanes) {
          x += (l.shape[k] as [number, number])[0];
          y += (l.shape[k] as [number, number])[1];
        }
        return [x / carLanes.length, y / carLanes.length] as [number, number];
      });
    } else shape = (carLanes[Math.floor((carLanes.length - 1) / 2)] as RawLane).shape;
    const pts: [number, number][] = [];
    for (const p of [[jf.x, jf.y] as [number, number], ...shape, [jt.x, jt.y] as [number, number]]) {
      const last = pts[pts.length - 1];
      if (last === undefined || Math.hypot(p[0] - last[0], p[1] - last[1]) > 1) pts.push(p);
    }
    if (pts.length < 2) {
      skipped.add('shorter than 1 m', e.id);
      continue;
    }
    const speed = Math.min(70, Math.max(...carLanes.map((l) => l.speed)));
    const cls = classOf(e.type, speed);
    used.add(e.from);
    used.add(e.to);
    segments.push({
      id: e.id,
      from: e.from,
      to: e.to,
      geometry: pts.map(([x, y]) => toLonLat(x, y)),
      lanes: Math.min(8, carLanes.length),
      freeFlowMps: speed,
      roadClass: cls.roadClass,
      name: e.name !== '' ? e.name : (nameOf.get(e.id) ?? ''),
      highway: cls.highway,
    });
  }
  warnings.push(...skipped.lines('edge(s)'));
  if (segments.length === 0) throw fail(where, 'no edge usable by cars (normal edges with a lane that allows passenger cars)');
  const nodes: RoadNodeSpec[] = [];
  for (const [id, j] of junctions) {
    if (!used.has(id)) continue;
    const [lon, lat] = toLonLat(j.x, j.y);
    nodes.push({ id, lon, lat, signal: j.signal });
  }
  try {
    return keepConnected(createNetwork({ nodes, segments }), warnings, options);
  } catch (err) {
    throw withSource(err, where);
  }
}

export function loadSumoNetFile(path: string, options: SumoImportOptions = {}): ImportResult {
  return importSumoNet(readNetworkText(path), path, options);
}
