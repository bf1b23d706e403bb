/**
 * GeoJSON written by SUMO's `tools/net/net2geojson.py`: features with `element` edge, lane,
 * junction or tls_connection. Edges are directed (SUMO writes each direction of a street as its
 * own edge), so each is one segment; never a two-way way, which would overlay both directions.
 * With `-x` the edges carry `maxSpeed` (m/s), `numLanes`, `allow`, `fromNode` and `toNode`: the
 * node ids join the edges at their junctions even where the drawn lines stop short of them
 * (without `-j`). Without `-x`, the edge ends are joined by position and the defaults are used
 * for speed and lanes, with a warning saying so. tls_connection features (`-t`) mark their
 * junction as signalised. Lanes (`-l`), junction polygons and internal edges (`:J0_1`) are not
 * used, and reported.
 */
import type { LonLat } from './geo.js';
import type { SkipLog } from './import-common.js';
import { defaultHighwayTag, type RoadClass, type RoadNodeSpec, type RoadSegmentSpec } from './network.js';

type Props = Readonly<Record<string, unknown>>;

export function isSumoFeature(props: Props): boolean {
  return props.element === 'edge' || props.element === 'lane' || props.element === 'junction' || props.element === 'tls_connection';
}

interface SumoEdge {
  readonly id: string;
  readonly line: LonLat[];
  readonly props: Props;
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export class SumoGeoJson {
  readonly #skipped: SkipLog;
  readonly #edges: SumoEdge[] = [];
  readonly #signals = new Set<string>();

  constructor(skipped: SkipLog) {
    this.#skipped = skipped;
  }

  get edges(): number {
    return this.#edges.length;
  }

  add(props: Props, line: LonLat[] | undefined, where: string): void {
    const id = typeof props.id === 'string' ? props.id : String(props.id ?? where);
    if (props.element === 'tls_connection') {
      const tls = typeof props.tls === 'string' ? props.tls : id.replace(/_\d+$/, '');
      this.#signals.add(tls);
      return;
    }
    if (props.element === 'lane') return this.#skipped.add('SUMO lane geometry (export edges: net2geojson.py without -l)', where);
    if (props.element === 'junction') return this.#skipped.add('SUMO junction polygon (not a road)', where);
    if (id.startsWith(':')) return this.#skipped.add('SUMO internal edge (inside a junction)', `${where} ${id}`);
    if (line === undefined) return this.#skipped.add('SUMO edge without a LineString geometry', where);
    if (typeof props.allow === 'string' && props.allow !== '' && !/(^|,)(passenger|all|private)(,|$)/.test(props.allow)) {
      return this.#skipped.add('SUMO edge that does not allow passenger cars', `${where} ${id}`);
    }
    this.#edges.push({ id, line, props });
  }

  build(warnings: string[]): { nodes: RoadNodeSpec[]; segments: RoadSegmentSpec[] } {
    const nodes = new Map<string, RoadNodeSpec>();
    let byPosition = 0;
    let defaulted = 0;
    const nodeAt = (id: unknown, p: LonLat): string => {
      let key: string;
      if (typeof id === 'string' && id !== '') key = id;
      else {
        byPosition++;
        key = `${p[0].toFixed(6)},${p[1].toFixed(6)}`;
      }
      if (!nodes.has(key)) nodes.set(key, { id: key, lon: p[0], lat: p[1], signal: this.#signals.has(key) });
      return key;
    };
    const segments: RoadSegmentSpec[] = this.#edges.map((e) => {
      const speed = num(e.props.maxSpeed);
      const lanes = num(e.props.numLanes);
      if (speed === undefined || lanes === undefined) defaulted++;
      const freeFlowMps = speed ?? 13.89;
      const roadClass: RoadClass = freeFlowMps < 11.4 ? 'residential' : freeFlowMps < 22.2 ? 'arterial' : 'highway';
      return {
        id: e.id,
        from: nodeAt(e.props.fromNode, e.line[0] as LonLat),
        to: nodeAt(e.props.toNode, e.line[e.line.length - 1] as LonLat),
        geometry: e.line,
        lanes: Math.min(8, Math.max(1, Math.round(lanes ?? 1))),
        freeFlowMps: Math.min(70, freeFlowMps),
        roadClass,
        name: typeof e.props.name === 'string' ? e.props.name : '',
        highway: defaultHighwayTag(roadClass),
      };
    });
    if (defaulted > 0)
      warnings.push(
        `${defaulted} SUMO edge(s) without maxSpeed/numLanes (net2geojson.py without -x): 50 km/h and 1 lane assumed; export with -x, or import the .net.xml directly`,
      );
    if (byPosition > 0)
      warnings.push(
        `${byPosition} SUMO edge end(s) without fromNode/toNode joined by position: without -j the drawn edges stop short of their junctions and do not meet; export with -x -j, or import the .net.xml directly`,
      );
    if (this.#signals.size === 0) warnings.push('no traffic lights in the SUMO export (net2geojson.py -t): no signalised junctions');
    return { nodes: [...nodes.values()], segments };
  }
}
