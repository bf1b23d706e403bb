/**
 * Warnings to cars when the roads are split over instances (decision 0033). The instance owning a
 * jam knows its roads' cars only, but the cars upstream of its tail may be on roads another instance
 * owns. So the owner turns each step's new jams and predicted jams into warning targets
 * (`warningTargets`, the targets TrafficService picks for one instance) on a topic that every traffic
 * instance reads whole; each instance warns, through `WarningFanout`, the cars of its own telemetry
 * partitions: the map matcher runs where telemetry is consumed (keyed by VIN), so an instance knows
 * the recent path of exactly its cars, and a car is warned by the one instance that owns its VIN. Pure.
 */
import { createHash } from 'node:crypto';
import type { CarWarning } from '../../../protocol/schemas/warnings.js';
import type { RoadNetwork } from '../../../road/network.js';
import type { MapMatcher } from './map-matcher.js';
import type { StepResult } from './service.js';
import { carsHeadingTowards, upstreamWithin, type WarnSelect } from './upstream.js';

export interface WarningTarget {
  /** The jam's public id, or `pred:<segment>` for a forecast: a car is warned once per key. */
  readonly key: string;
  /** The segment the warning is about (a jam's tail, a predicted segment). */
  readonly segmentId: string;
  readonly atMs: number;
  readonly speedMps?: number;
  readonly lengthM: number;
  readonly message: string;
  readonly severity: 'warning' | 'info';
}

/** The warning targets of one step (new jams' tails, predicted segments). */
export function warningTargets(net: RoadNetwork, step: StepResult): WarningTarget[] {
  const out: WarningTarget[] = [];
  const speedOf = new Map(step.segments.map((s) => [s.segmentId, s.meanSpeedMps] as const));
  for (const e of step.events) {
    if (e.type !== 'jam_started' || !net.segmentIndexById.has(e.jam.tailSegment)) continue;
    const speedMps = speedOf.get(e.jam.tailSegment);
    out.push({
      key: e.jam.id,
      segmentId: e.jam.tailSegment,
      atMs: step.atMs,
      ...(speedMps === undefined ? {} : { speedMps }),
      lengthM: e.jam.lengthM,
      message: `traffic jam ahead: ${Math.round(e.jam.lengthM)} m`,
      severity: 'warning',
    });
  }
  for (const p of step.predicted) {
    const s = net.segmentIndexById.get(p.segmentId);
    if (s === undefined) continue;
    const f = step.forecasts.find((x) => x.segmentId === p.segmentId && x.horizonMin === 10);
    const inMin = Math.max(0, Math.round((p.expectedMs - step.atMs) / 60_000));
    out.push({
      // a queue spilling back is the jam it comes from: a car warned of that jam is not warned again
      key: p.jamId ?? `pred:${p.segmentId}`,
      segmentId: p.segmentId,
      atMs: step.atMs,
      ...(f === undefined ? {} : { speedMps: f.model }),
      lengthM: net.segLength[s] as number,
      message: `traffic jam expected within ${inMin} min`,
      severity: 'info',
    });
  }
  return out;
}

export function decodeTarget(value: Buffer | null): WarningTarget | undefined {
  if (value === null) return undefined;
  try {
    const t = JSON.parse(value.toString('utf8')) as Partial<WarningTarget>;
    if (typeof t.key !== 'string' || typeof t.segmentId !== 'string' || typeof t.message !== 'string') return undefined;
    if (!Number.isFinite(t.atMs) || !Number.isFinite(t.lengthM)) return undefined;
    if (t.severity !== 'warning' && t.severity !== 'info') return undefined;
    return t as WarningTarget;
  } catch {
    return undefined;
  }
}

export interface FanoutOptions {
  readonly distanceM: number;
  readonly ttlMs: number;
  readonly select?: WarnSelect;
}

export class WarningFanout {
  readonly #net: RoadNetwork;
  readonly #matcher: MapMatcher;
  readonly #o: FanoutOptions;
  /** vin|key -> expiry (record time). */
  readonly #warned = new Map<string, number>();

  constructor(net: RoadNetwork, matcher: MapMatcher, options: FanoutOptions) {
    this.#net = net;
    this.#matcher = matcher;
    this.#o = options;
  }

  /** Warnings for this instance's cars upstream of the target and heading towards it. */
  warn(t: WarningTarget): CarWarning[] {
    for (const [k, exp] of this.#warned) if (exp <= t.atMs) this.#warned.delete(k);
    const s = this.#net.segmentIndexById.get(t.segmentId);
    if (s === undefined) return [];
    return warnCarsTowards(this.#net, this.#matcher, s, t, this.#o, this.#warned, (vin) => warningIdOf(vin, t.key, t.atMs));
  }
}

/** What a warning says about its segment: WarningTarget without the segment's id (the caller has its index). */
export type WarningContent = Omit<WarningTarget, 'segmentId'>;

/**
 * The warnings of one target: each car upstream of segment `s` (within distanceM of road) and heading
 * towards it gets one, once per car and key while `warned` (vin|key -> expiry) remembers it. Ids come
 * from `idOf`. The one place a warning is built, for one instance (TrafficService) and for many (WarningFanout).
 */
export function warnCarsTowards(
  net: RoadNetwork,
  matcher: MapMatcher,
  s: number,
  t: WarningContent,
  o: FanoutOptions,
  warned: Map<string, number>,
  idOf: (vin: string) => string,
): CarWarning[] {
  const up = upstreamWithin(net, s, o.distanceM);
  const seg = net.segments[s] as { id: string; geometry: readonly (readonly [number, number])[] };
  const at = seg.geometry[0] as readonly [number, number];
  const cars = carsHeadingTowards(net, matcher.recentPaths(), s, up, o.distanceM, t.atMs, o.select ?? 'approaching');
  const out: CarWarning[] = [];
  for (const c of cars) {
    const k = `${c.vin}|${t.key}`;
    if (warned.has(k)) continue;
    warned.set(k, t.atMs + o.ttlMs);
    out.push({
      warningId: idOf(c.vin),
      vin: c.vin,
      type: 'traffic_jam',
      severity: t.severity,
      position: { lat: at[1], lon: at[0] },
      radiusM: Math.min(100_000, Math.round(t.lengthM)),
      segmentId: seg.id,
      ...(t.speedMps === undefined ? {} : { speedKmh: Math.round(t.speedMps * 3.6 * 100) / 100 }),
      message: t.message,
      issuedAt: t.atMs,
      expiresAt: t.atMs + o.ttlMs,
    });
  }
  return out;
}

/** Deterministic (a replayed target gives the same id, which the car shows once): `tj-<at ms, base 36>-<hash>`. */
export function warningIdOf(vin: string, key: string, atMs: number): string {
  const h = createHash('sha1').update(`${vin}|${key}`).digest('base64url').slice(0, 16);
  return `tj-${atMs.toString(36)}-${h}`;
}
