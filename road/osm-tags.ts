/**
 * OSM-style tags on imported ways: which highway values carry cars, and the defaults for speed and
 * lanes per class; parsing of maxspeed ("50", "30 mph", "50 km/h", "DE:urban", "walk"), lanes and
 * oneway (yes / -1 / no, implied on motorways and roundabouts).
 */
import type { RoadClass } from './network.js';

export interface HighwayDefaults {
  readonly roadClass: RoadClass;
  readonly speedKmh: number;
  /** Lanes per direction. */
  readonly lanes: number;
  /** True when the class is one-way unless tagged otherwise. */
  readonly impliedOneway: boolean;
}

const D = (roadClass: RoadClass, speedKmh: number, lanes: number, impliedOneway = false): HighwayDefaults => ({
  roadClass,
  speedKmh,
  lanes,
  impliedOneway,
});

export const HIGHWAY_DEFAULTS: Readonly<Record<string, HighwayDefaults>> = {
  motorway: D('highway', 120, 2, true),
  trunk: D('highway', 100, 2),
  motorway_link: D('ramp', 60, 1, true),
  trunk_link: D('ramp', 50, 1),
  primary: D('arterial', 50, 2),
  primary_link: D('ramp', 40, 1),
  secondary: D('arterial', 50, 1),
  secondary_link: D('ramp', 40, 1),
  tertiary: D('arterial', 50, 1),
  tertiary_link: D('ramp', 40, 1),
  unclassified: D('residential', 50, 1),
  road: D('residential', 50, 1),
  residential: D('residential', 30, 1),
  living_street: D('residential', 10, 1),
  service: D('residential', 20, 1),
};

/** highway values that are not for cars: the importer skips these ways. */
export const NON_CAR_HIGHWAYS = new Set([
  'footway',
  'cycleway',
  'path',
  'pedestrian',
  'steps',
  'track',
  'bridleway',
  'construction',
  'proposed',
  'platform',
  'corridor',
  'bus_guideway',
  'busway',
  'raceway',
  'elevator',
  'escape',
  'abandoned',
  'via_ferrata',
]);

const MPH = 1.609344;
const ZONE_SPEEDS: Readonly<Record<string, number>> = {
  urban: 50,
  rural: 100,
  motorway: 130,
  trunk: 100,
  living_street: 10,
  zone30: 30,
  zone20: 20,
  bicycle_road: 30,
};

/** maxspeed as km/h, or undefined when the tag is absent or not understood (the caller warns). */
export function parseMaxspeedKmh(value: unknown): number | undefined {
  if (typeof value === 'number') return value > 0 && value < 300 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === 'none') return 130;
  if (text === 'walk') return 7;
  const first = text.split(';')[0]?.trim() ?? '';
  const m = /^(\d+(?:\.\d+)?)\s*(mph|km\/h|kmh|kph)?$/.exec(first);
  if (m) {
    const n = Number(m[1]);
    const kmh = m[2] === 'mph' ? n * MPH : n;
    return kmh > 0 && kmh < 300 ? kmh : undefined;
  }
  const zone = /^[a-z]{2}:([a-z_0-9]+)$/.exec(first);
  if (zone?.[1] !== undefined) return ZONE_SPEEDS[zone[1]];
  return undefined;
}

export type Oneway = 'forward' | 'backward' | 'both';

export function parseOneway(value: unknown, implied: boolean, junction: unknown): Oneway {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : typeof value === 'boolean' ? String(value) : '';
  if (text === 'yes' || text === 'true' || text === '1') return 'forward';
  if (text === '-1' || text === 'reverse') return 'backward';
  if (text === 'no' || text === 'false' || text === '0') return 'both';
  if (implied || junction === 'roundabout' || junction === 'circular') return 'forward';
  return 'both';
}

/** Lanes per direction, from `lanes` (total) and the direction count; undefined when not understood. */
export function parseLanesPerDirection(value: unknown, oneway: Oneway): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.split(';')[0]) : NaN;
  if (!Number.isFinite(n) || n < 1) return undefined;
  const per = oneway === 'both' ? Math.floor(n / 2) : Math.floor(n);
  return Math.min(6, Math.max(1, per));
}
