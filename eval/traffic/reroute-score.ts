/**
 * Travel time saved by warned drivers, from the ground truth the MQTT simulator wrote
 * (simulator/traffic/warned-drivers.ts: a `reroute_decision` record per warning a car received, a
 * `reroute_outcome` record when the car reached the point where its detour rejoins its original route,
 * or the destination). Saved time of a rerouted car = the original route's expected time to that
 * point at the decision (from the model's segment speeds then) - the time it actually took. Pure.
 *
 * The drivers who declined (the share not drawn) are followed to the same point on the original
 * route: their expected - actual shows how far the estimate itself is off (a jam that grows or
 * clears after the decision), the baseline the saving of the rerouted cars is to be read against.
 */
import type { GroundTruthRecord } from '../../simulator/traffic/ground-truth.js';
import type { DecisionReason, RerouteDecisionRecord, RerouteOutcomeRecord } from '../../simulator/traffic/warned-drivers.js';

export interface SavedTime {
  /** Cars the figures are computed from (reached their rejoin point). */
  readonly count: number;
  readonly totalS: number;
  readonly medianS: number;
  readonly meanS: number;
}

export interface ReroutingReport {
  /** Warnings a car decided on (one per car and warning). */
  readonly decisions: number;
  readonly byReason: Readonly<Partial<Record<DecisionReason, number>>>;
  /** Decisions where the warned place was ahead and a detour existed (rerouted, declined, detour_slower). */
  readonly eligible: number;
  readonly rerouted: number;
  /** Rerouted cars: expected (original route) - actual, over those that reached the rejoin point. */
  readonly saved: SavedTime;
  /** Rerouted cars that left their route before the rejoin point (gridlock relief, a closure), or had not reached it at the end. */
  readonly reroutedLeftRoute: number;
  readonly reroutedPending: number;
  /** Drivers who stayed on their original route (declined, detour_slower): expected - actual (how far the estimate is off). */
  readonly stayed: SavedTime;
  /**
   * The randomised control: drivers the draw kept on their route who would otherwise have taken the
   * detour (declined; with rerouteWhen faster, only those whose detour was expected faster). Their
   * expected - actual is what the rerouted cars' figure is to be compared with.
   */
  readonly control: SavedTime;
  /** saved.medianS - control.medianS: the median time the detours saved beyond the estimate's own error (NaN without both). */
  readonly savedBeyondControlMedianS: number;
  /** Rerouted cars: what the estimate promised (original - detour expected), median seconds. */
  readonly promisedMedianS: number;
}

const round1 = (v: number): number => Math.round(v * 10) / 10;

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function savedOf(values: number[]): SavedTime {
  values.sort((a, b) => a - b);
  const total = values.reduce((a, b) => a + b, 0);
  return {
    count: values.length,
    totalS: round1(total),
    medianS: values.length === 0 ? Number.NaN : round1(median(values)),
    meanS: values.length === 0 ? Number.NaN : round1(total / values.length),
  };
}

export function scoreRerouting(records: readonly GroundTruthRecord[]): ReroutingReport {
  const decisions = new Map<string, RerouteDecisionRecord>();
  const outcomes = new Map<string, RerouteOutcomeRecord>();
  for (const r of records) {
    if (r.type === 'reroute_decision') decisions.set(r.decisionId, r);
    else if (r.type === 'reroute_outcome') outcomes.set(r.decisionId, r);
  }
  const byReason: Partial<Record<DecisionReason, number>> = {};
  const saved: number[] = [];
  const declined: number[] = [];
  const control: number[] = [];
  const promised: number[] = [];
  let rerouted = 0;
  let leftRoute = 0;
  let pending = 0;
  for (const d of decisions.values()) {
    byReason[d.reason] = (byReason[d.reason] ?? 0) + 1;
    const o = outcomes.get(d.decisionId);
    const reached = o !== undefined && o.outcome === 'reached' && o.savedS !== null;
    if (d.reason === 'rerouted') {
      rerouted++;
      if (d.expectedS !== null && d.detourExpectedS !== null) promised.push(d.expectedS - d.detourExpectedS);
      if (reached) saved.push(o.savedS as number);
      else if (o === undefined) pending++;
      else leftRoute++;
    } else if ((d.reason === 'declined' || d.reason === 'detour_slower') && reached) {
      declined.push(o.savedS as number);
      const faster = d.expectedS !== null && d.detourExpectedS !== null && d.detourExpectedS < d.expectedS;
      if (d.reason === 'declined' && (!d.onlyIfFaster || faster)) control.push(o.savedS as number);
    }
  }
  promised.sort((a, b) => a - b);
  const savedT = savedOf(saved);
  const controlT = savedOf(control);
  return {
    decisions: decisions.size,
    byReason,
    eligible: rerouted + (byReason.declined ?? 0) + (byReason.detour_slower ?? 0),
    rerouted,
    saved: savedT,
    reroutedLeftRoute: leftRoute,
    reroutedPending: pending,
    stayed: savedOf(declined),
    control: controlT,
    savedBeyondControlMedianS: round1(savedT.medianS - controlT.medianS),
    promisedMedianS: promised.length === 0 ? Number.NaN : round1(median(promised)),
  };
}

/** The readable lines of the report. */
export function formatRerouting(r: ReroutingReport): string {
  const s = (v: number): string => (Number.isNaN(v) ? '-' : `${v} s`);
  const reasons = Object.entries(r.byReason)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `rerouting   ${r.decisions} decisions on warnings (${reasons === '' ? 'none' : reasons}); ${r.eligible} with the warned place ahead and a detour, ${r.rerouted} rerouted`,
    `time saved  ${r.saved.count} rerouted cars reached the rejoin point: total ${s(r.saved.totalS)}, median ${s(r.saved.medianS)}, mean ${s(r.saved.meanS)} ` +
      `(expected on the original route - actual; promised median ${s(r.promisedMedianS)}; ${r.reroutedLeftRoute} left the route, ${r.reroutedPending} not there yet)`,
    `stayed      ${r.stayed.count} stayed on the original route: expected - actual median ${s(r.stayed.medianS)}, mean ${s(r.stayed.meanS)}; ` +
      `control (kept by the draw, would have rerouted) ${r.control.count}: median ${s(r.control.medianS)}; saved beyond the control, median ${s(r.savedBeyondControlMedianS)}`,
  ].join('\n');
}
