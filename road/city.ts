/**
 * The built-in city, generated deterministically from a seed: a slightly irregular grid of
 * residential streets (30 km/h, one lane each way), every few lines an arterial (50 or 60 km/h, two
 * lanes each way, signals where two arterials cross), and a ring road (80-100 km/h, two lanes each
 * way) joined to the end of every arterial by ramps. Everything is generated in local metres around
 * the centre, then projected to lon/lat. The result is reduced to its largest strongly connected
 * component (removing streets at random can cut off a corner; usually nothing is lost).
 */
import { Rng, type Seed } from '../core/random.js';
import { LocalProjection, type LonLat } from './geo.js';
import { largestStronglyConnected } from './connectivity.js';
import { createNetwork, type RoadClass, type RoadNetwork, type RoadNodeSpec, type RoadSegmentSpec } from './network.js';

export interface CityOptions {
  readonly seed?: Seed;
  /** Centre of the city, default Munich (48.137 N, 11.575 E). */
  readonly centre?: { readonly lat: number; readonly lon: number };
  /** Width and height of the street grid in metres, default 5000. */
  readonly sizeM?: number;
  /** Distance between parallel streets in metres, default 160. */
  readonly blockM?: number;
  /** Every n-th grid line is an arterial, default 5. */
  readonly arterialEvery?: number;
  /** Fraction of residential street links left out (both directions), default 0.06. */
  readonly removeFraction?: number;
  /** Random displacement of grid nodes in metres, default 12. */
  readonly jitterM?: number;
  /** Add the ring road, default true. */
  readonly ring?: boolean;
}

export const DEFAULT_CENTRE = { lat: 48.137, lon: 11.575 } as const;

const kmh = (v: number): number => v / 3.6;

const NAME_STEMS = [
  'Ahorn',
  'Birken',
  'Buchen',
  'Eichen',
  'Linden',
  'Ulmen',
  'Kastanien',
  'Tannen',
  'Rosen',
  'Tulpen',
  'Flieder',
  'Holunder',
  'Mühl',
  'Brunnen',
  'Garten',
  'Wiesen',
  'Feld',
  'Berg',
  'Tal',
  'Schul',
  'Kirch',
  'Markt',
  'Post',
  'Bahnhof',
  'Sonnen',
  'Mond',
  'Stern',
  'Wald',
  'See',
  'Bach',
  'Hof',
  'Anger',
  'Isar',
  'Amper',
  'Würm',
  'Falken',
  'Adler',
  'Schwalben',
  'Lerchen',
  'Finken',
  'Drossel',
  'Meisen',
];
const NAME_SUFFIXES = ['straße', 'weg', 'gasse', 'allee', 'ring', 'steig'];
const ARTERIAL_NAMES = [
  'Leopoldstraße',
  'Ludwigstraße',
  'Landsberger Straße',
  'Lindwurmstraße',
  'Rosenheimer Straße',
  'Dachauer Straße',
  'Nymphenburger Straße',
  'Prinzregentenstraße',
  'Schleißheimer Straße',
  'Wasserburger Landstraße',
  'Fürstenrieder Straße',
  'Ingolstädter Straße',
  'Wolfratshauser Straße',
];

interface Builder {
  nodes: RoadNodeSpec[];
  segments: RoadSegmentSpec[];
  proj: LocalProjection;
}

function addTwoWay(
  b: Builder,
  from: RoadNodeSpec,
  to: RoadNodeSpec,
  geometry: LonLat[],
  props: { lanes: number; freeFlowMps: number; roadClass: RoadClass; name: string },
): void {
  b.segments.push({ id: `${from.id}-${to.id}`, from: from.id, to: to.id, geometry, ...props });
  b.segments.push({ id: `${to.id}-${from.id}`, from: to.id, to: from.id, geometry: geometry.slice().reverse(), ...props });
}

export function generateCity(options: CityOptions = {}): RoadNetwork {
  const rng = new Rng(options.seed ?? 1).fork('city');
  const centre = options.centre ?? DEFAULT_CENTRE;
  const sizeM = options.sizeM ?? 5000;
  const blockM = options.blockM ?? 160;
  const every = Math.max(2, options.arterialEvery ?? 5);
  const removeFraction = options.removeFraction ?? 0.06;
  const jitter = options.jitterM ?? 12;
  const lines = Math.max(2, Math.floor(sizeM / blockM) + 1);
  const half = ((lines - 1) * blockM) / 2;
  const proj = new LocalProjection(centre.lon, centre.lat);
  const b: Builder = { nodes: [], segments: [], proj };

  // a slight rotation of the whole grid, so it is not aligned to the meridians
  const angle = rng.range(-0.15, 0.15);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const place = (x: number, y: number): [number, number] => proj.toLonLat(x * cos - y * sin, x * sin + y * cos);

  const arterialOffset = rng.int(0, every - 1);
  const isArterialLine = (k: number): boolean => k % every === arterialOffset;
  const stems = NAME_STEMS.slice();
  const lineName = (k: number, vertical: boolean): string => {
    if (isArterialLine(k)) return ARTERIAL_NAMES[(k * 7 + (vertical ? 3 : 0)) % ARTERIAL_NAMES.length] as string;
    const stem = stems[rng.int(0, stems.length - 1)] as string;
    return `${stem}${rng.pick(NAME_SUFFIXES)}`;
  };
  const rowNames = Array.from({ length: lines }, (_, j) => lineName(j, false));
  const colNames = Array.from({ length: lines }, (_, i) => lineName(i, true));
  const arterialSpeed = (k: number): number => kmh(k % 2 === 0 ? 50 : 60);

  const grid: RoadNodeSpec[][] = [];
  const local: [number, number][][] = [];
  for (let i = 0; i < lines; i++) {
    const col: RoadNodeSpec[] = [];
    const lcol: [number, number][] = [];
    for (let j = 0; j < lines; j++) {
      const x = -half + i * blockM + rng.range(-jitter, jitter);
      const y = -half + j * blockM + rng.range(-jitter, jitter);
      const [lon, lat] = place(x, y);
      const node: RoadNodeSpec = { id: `g${i}_${j}`, lon, lat, signal: isArterialLine(i) && isArterialLine(j) };
      col.push(node);
      lcol.push([x, y]);
      b.nodes.push(node);
    }
    grid.push(col);
    local.push(lcol);
  }

  const link = (i1: number, j1: number, i2: number, j2: number, vertical: boolean): void => {
    const a = grid[i1]?.[j1];
    const c = grid[i2]?.[j2];
    const pa = local[i1]?.[j1];
    const pc = local[i2]?.[j2];
    if (!a || !c || !pa || !pc) return;
    const lineK = vertical ? i1 : j1;
    const arterial = isArterialLine(lineK);
    if (!arterial && rng.chance(removeFraction)) return;
    const geometry: LonLat[] = [[a.lon, a.lat]];
    if (!arterial && rng.chance(0.3)) {
      // a gentle bend in the middle of some residential streets
      const mx = (pa[0] + pc[0]) / 2;
      const my = (pa[1] + pc[1]) / 2;
      const off = rng.range(-jitter, jitter);
      geometry.push(vertical ? place(mx + off, my) : place(mx, my + off));
    }
    geometry.push([c.lon, c.lat]);
    const name = vertical ? (colNames[i1] as string) : (rowNames[j1] as string);
    addTwoWay(b, a, c, geometry, {
      lanes: arterial ? 2 : 1,
      freeFlowMps: arterial ? arterialSpeed(lineK) : kmh(30),
      roadClass: arterial ? 'arterial' : 'residential',
      name,
    });
  };
  for (let i = 0; i < lines; i++) {
    for (let j = 0; j < lines; j++) {
      if (i + 1 < lines) link(i, j, i + 1, j, false);
      if (j + 1 < lines) link(i, j, i, j + 1, true);
    }
  }

  if (options.ring ?? true) addRing(b, rng, grid, local, half, blockM, isArterialLine, place);

  const net = createNetwork({ centre, nodes: b.nodes, segments: b.segments });
  return largestStronglyConnected(net);
}

function addRing(
  b: Builder,
  rng: Rng,
  grid: RoadNodeSpec[][],
  local: [number, number][][],
  half: number,
  blockM: number,
  isArterialLine: (k: number) => boolean,
  place: (x: number, y: number) => [number, number],
): void {
  const radius = half * Math.SQRT2 + blockM * 2;
  const count = Math.max(12, Math.round((2 * Math.PI * radius) / 450));
  const speed = kmh(rng.pick([80, 90, 100]));
  const ring: RoadNodeSpec[] = [];
  const ringXY: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    const t = (2 * Math.PI * k) / count;
    const r = radius * (1 + rng.range(-0.03, 0.03));
    const x = r * Math.cos(t);
    const y = r * Math.sin(t);
    const [lon, lat] = place(x, y);
    const node: RoadNodeSpec = { id: `r${k}`, lon, lat };
    ring.push(node);
    ringXY.push([x, y]);
    b.nodes.push(node);
  }
  for (let k = 0; k < count; k++) {
    const a = ring[k] as RoadNodeSpec;
    const c = ring[(k + 1) % count] as RoadNodeSpec;
    const pa = ringXY[k] as [number, number];
    const pc = ringXY[(k + 1) % count] as [number, number];
    // follow the circle with one intermediate vertex
    const t = (2 * Math.PI * (k + 0.5)) / count;
    const rm = (Math.hypot(pa[0], pa[1]) + Math.hypot(pc[0], pc[1])) / 2;
    const geometry: LonLat[] = [[a.lon, a.lat], place(rm * Math.cos(t), rm * Math.sin(t)), [c.lon, c.lat]];
    addTwoWay(b, a, c, geometry, { lanes: 2, freeFlowMps: speed, roadClass: 'highway', name: 'Mittlerer Ring' });
  }
  // ramps from the ends of every arterial to the nearest ring node
  const lines = grid.length;
  const ends: [number, number][] = [];
  for (let k = 0; k < lines; k++) {
    if (!isArterialLine(k)) continue;
    ends.push([k, 0], [k, lines - 1], [0, k], [lines - 1, k]);
  }
  const used = new Set<string>();
  for (const [i, j] of ends) {
    const g = grid[i]?.[j];
    const p = local[i]?.[j];
    if (!g || !p) continue;
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < count; k++) {
      const q = ringXY[k] as [number, number];
      const d = Math.hypot(q[0] - p[0], q[1] - p[1]);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    const r = ring[best] as RoadNodeSpec;
    if (used.has(`${g.id}-${r.id}`)) continue;
    used.add(`${g.id}-${r.id}`);
    addTwoWay(
      b,
      g,
      r,
      [
        [g.lon, g.lat],
        [r.lon, r.lat],
      ],
      {
        lanes: 1,
        freeFlowMps: kmh(50),
        roadClass: 'ramp',
        name: 'Anschlussstelle',
      },
    );
  }
}
