/**
 * The scenario file (YAML or JSON): what a simulation run drives on and what happens to it.
 *
 *   seed: 42                       # number or string
 *   city:                          # the built-in city (all fields optional) ...
 *     centre: { lat: 48.137, lon: 11.575 }
 *     sizeM: 5000
 *     blockM: 160
 *     arterialEvery: 5
 *     ring: true
 *   # city: { file: munich.geojson, onDisconnected: keep-largest }   # ... or an imported network
 *   cars: 15000
 *   tickSeconds: 0.5
 *   routing: live                  # or free-flow
 *   groundTruth: { intervalS: 10 }
 *   incidents:
 *     - { segment: "g10_4-g10_5", start: 2m, duration: 10m, lanesBlocked: 1, position: 0.5, id: crash-1 }
 *   randomIncidents: { ratePerHour: 2, minDuration: 5m, maxDuration: 20m, roadClasses: [arterial] }
 *
 * Unknown fields and bad values are refused with SCENARIO_INVALID naming the field, for example
 * "incidents[1].lanesBlocked: must be at least 1 (got 0)". Segment ids are checked against the
 * network when the model is built (the file does not know the network).
 */
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { V2xError } from '../../core/errors.js';
import { readTextFile } from '../../core/text-file.js';
import type { CityOptions } from '../../road/city.js';
import type { ImportOptions } from '../../road/geojson-import.js';
import { ROAD_CLASSES, type RoadClass } from '../../road/network.js';
import type { IncidentSpec, RandomIncidentOptions } from '../traffic/incidents.js';
import { bad, bool, num, obj, oneOf, seconds, str } from './fields.js';

export type ScenarioCity =
  | { readonly kind: 'builtin'; readonly options: CityOptions }
  | { readonly kind: 'file'; readonly path: string; readonly import: ImportOptions };

export interface Scenario {
  readonly seed: number | string;
  readonly city: ScenarioCity;
  readonly cars: number;
  readonly tickSeconds: number;
  readonly routing: 'live' | 'free-flow';
  readonly groundTruthIntervalS: number;
  readonly incidents: readonly IncidentSpec[];
  readonly randomIncidents: RandomIncidentOptions | undefined;
}

const TOP = ['seed', 'city', 'cars', 'tickSeconds', 'routing', 'groundTruth', 'incidents', 'randomIncidents'] as const;

function parseCity(v: unknown, baseDir: string): ScenarioCity {
  if (v === undefined) return { kind: 'builtin', options: {} };
  const c = obj(v, 'city', [
    'file',
    'onDisconnected',
    'minConnectedFraction',
    'centre',
    'sizeM',
    'blockM',
    'arterialEvery',
    'removeFraction',
    'jitterM',
    'ring',
  ]);
  if (c.file !== undefined) {
    for (const key of ['centre', 'sizeM', 'blockM', 'arterialEvery', 'removeFraction', 'jitterM', 'ring']) {
      if (c[key] !== undefined) throw bad(`city.${key}`, 'applies to the built-in city only, not with city.file');
    }
    const file = str(c.file, 'city.file');
    const imp: ImportOptions = {
      ...(c.onDisconnected !== undefined && {
        onDisconnected: oneOf(c.onDisconnected, 'city.onDisconnected', ['keep-largest', 'refuse'] as const),
      }),
      ...(c.minConnectedFraction !== undefined && {
        minConnectedFraction: num(c.minConnectedFraction, 'city.minConnectedFraction', { min: 0, max: 1 }),
      }),
    };
    return { kind: 'file', path: isAbsolute(file) ? file : resolve(baseDir, file), import: imp };
  }
  for (const key of ['onDisconnected', 'minConnectedFraction']) {
    if (c[key] !== undefined) throw bad(`city.${key}`, 'applies to city.file only');
  }
  const options: { -readonly [K in keyof CityOptions]: CityOptions[K] } = {};
  if (c.centre !== undefined) {
    const centre = obj(c.centre, 'city.centre', ['lat', 'lon']);
    options.centre = {
      lat: num(centre.lat, 'city.centre.lat', { min: -85, max: 85 }),
      lon: num(centre.lon, 'city.centre.lon', { min: -180, max: 180 }),
    };
  }
  if (c.sizeM !== undefined) options.sizeM = num(c.sizeM, 'city.sizeM', { min: 300, max: 50_000 });
  if (c.blockM !== undefined) options.blockM = num(c.blockM, 'city.blockM', { min: 50, max: 2000 });
  if (c.arterialEvery !== undefined) options.arterialEvery = num(c.arterialEvery, 'city.arterialEvery', { min: 2, max: 50, integer: true });
  if (c.removeFraction !== undefined) options.removeFraction = num(c.removeFraction, 'city.removeFraction', { min: 0, max: 0.3 });
  if (c.jitterM !== undefined) options.jitterM = num(c.jitterM, 'city.jitterM', { min: 0, max: 50 });
  if (c.ring !== undefined) options.ring = bool(c.ring, 'city.ring');
  return { kind: 'builtin', options };
}

function parseIncidents(v: unknown): IncidentSpec[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad('incidents', 'must be a list', v);
  const ids = new Set<string>();
  return v.map((item: unknown, i: number) => {
    const p = `incidents[${i}]`;
    const o = obj(item, p, ['id', 'segment', 'start', 'duration', 'lanesBlocked', 'position']);
    if (o.segment === undefined) throw bad(`${p}.segment`, 'is required (a segment id of the network)');
    if (o.duration === undefined) throw bad(`${p}.duration`, 'is required');
    const id = o.id === undefined ? `incident-${i + 1}` : str(o.id, `${p}.id`);
    if (ids.has(id)) throw bad(`${p}.id`, 'is used twice', id);
    ids.add(id);
    const duration = seconds(o.duration, `${p}.duration`);
    if (duration <= 0) throw bad(`${p}.duration`, 'must be more than 0', o.duration);
    return {
      id,
      segmentId: str(o.segment, `${p}.segment`),
      startS: o.start === undefined ? 0 : seconds(o.start, `${p}.start`),
      durationS: duration,
      lanesBlocked: o.lanesBlocked === undefined ? 1 : num(o.lanesBlocked, `${p}.lanesBlocked`, { min: 1, max: 8, integer: true }),
      positionFraction: o.position === undefined ? 0.6 : num(o.position, `${p}.position`, { min: 0, max: 1 }),
    };
  });
}

function parseRandom(v: unknown): RandomIncidentOptions | undefined {
  if (v === undefined) return undefined;
  const o = obj(v, 'randomIncidents', ['ratePerHour', 'minDuration', 'maxDuration', 'roadClasses']);
  if (o.ratePerHour === undefined) throw bad('randomIncidents.ratePerHour', 'is required');
  const minDurationS = o.minDuration === undefined ? 300 : seconds(o.minDuration, 'randomIncidents.minDuration', 1);
  const maxDurationS =
    o.maxDuration === undefined ? Math.max(1200, minDurationS) : seconds(o.maxDuration, 'randomIncidents.maxDuration', 1);
  if (maxDurationS < minDurationS) throw bad('randomIncidents.maxDuration', 'must not be below minDuration', o.maxDuration);
  let roadClasses: RoadClass[] | undefined;
  if (o.roadClasses !== undefined) {
    if (!Array.isArray(o.roadClasses) || o.roadClasses.length === 0)
      throw bad('randomIncidents.roadClasses', 'must be a non-empty list', o.roadClasses);
    roadClasses = o.roadClasses.map((c: unknown, i: number) => oneOf(c, `randomIncidents.roadClasses[${i}]`, ROAD_CLASSES));
  }
  return {
    ratePerHour: num(o.ratePerHour, 'randomIncidents.ratePerHour', { min: 0, max: 10_000 }),
    minDurationS,
    maxDurationS,
    ...(roadClasses !== undefined && { roadClasses }),
  };
}

/** Validates a parsed document. `baseDir` resolves a relative city.file. */
export function parseScenario(doc: unknown, baseDir = '.'): Scenario {
  const o = obj(doc ?? {}, '', TOP);
  let seed: number | string = 1;
  if (o.seed !== undefined) {
    if (typeof o.seed === 'string' && o.seed !== '') seed = o.seed;
    else seed = num(o.seed, 'seed', { min: 0, max: 2 ** 32 - 1, integer: true });
  }
  const gt = o.groundTruth === undefined ? {} : obj(o.groundTruth, 'groundTruth', ['intervalS']);
  const scenario: Scenario = {
    seed,
    city: parseCity(o.city, baseDir),
    cars: o.cars === undefined ? 1000 : num(o.cars, 'cars', { min: 0, max: 1_000_000, integer: true }),
    tickSeconds: o.tickSeconds === undefined ? 0.5 : num(o.tickSeconds, 'tickSeconds', { min: 0.05, max: 1 }),
    routing: o.routing === undefined ? 'live' : oneOf(o.routing, 'routing', ['live', 'free-flow'] as const),
    groundTruthIntervalS: gt.intervalS === undefined ? 10 : num(gt.intervalS, 'groundTruth.intervalS', { min: 1, max: 3600 }),
    incidents: parseIncidents(o.incidents),
    randomIncidents: parseRandom(o.randomIncidents),
  };
  return Object.freeze(scenario);
}

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseScenarioText(text: string, baseDir = '.'): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new V2xError('SCENARIO_INVALID', `not valid YAML or JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseScenario(doc, baseDir);
}

/** Thin loader: reads the file; errors name it. */
export function loadScenarioFile(path: string): Scenario {
  const text = readTextFile(path, 'SCENARIO_UNREADABLE');
  try {
    const ext = extname(path).toLowerCase();
    if (ext === '.json') {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new V2xError('SCENARIO_INVALID', `not valid JSON: ${(err as Error).message}`, { cause: err });
      }
      return parseScenario(doc, dirname(path));
    }
    return parseScenarioText(text, dirname(path));
  } catch (err) {
    if (err instanceof V2xError) {
      throw new V2xError(err.code, `${path}: ${err.message.replace(/^invalid scenario: /, '')}`, { details: err.details, cause: err });
    }
    throw err;
  }
}
