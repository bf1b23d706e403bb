import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRerouting, scoreRerouting } from '../../../eval/traffic/reroute-score.js';
import type { GroundTruthRecord } from '../../../simulator/traffic/ground-truth.js';
import type { DecisionReason, RerouteDecisionRecord, RerouteOutcomeRecord } from '../../../simulator/traffic/warned-drivers.js';

const decision = (id: string, reason: DecisionReason, expectedS: number | null, detourExpectedS: number | null): RerouteDecisionRecord => ({
  type: 'reroute_decision',
  t: 100,
  timeMs: 100_000,
  decisionId: id,
  vin: id.split(':')[0] as string,
  warningId: 'w',
  warningType: 'traffic_jam',
  segmentId: 's1',
  avoidSegmentIds: ['s1'],
  share: 0.5,
  onlyIfFaster: false,
  rerouted: reason === 'rerouted',
  reason,
  rejoinSegmentId: expectedS === null ? null : 's9',
  expectedS,
  detourExpectedS,
});

const outcome = (id: string, rerouted: boolean, expectedS: number, actualS: number | null): RerouteOutcomeRecord => ({
  type: 'reroute_outcome',
  t: 200,
  timeMs: 200_000,
  decisionId: id,
  vin: id.split(':')[0] as string,
  rerouted,
  outcome: actualS === null ? 'left_route' : 'reached',
  rejoinSegmentId: 's9',
  expectedS,
  actualS,
  savedS: actualS === null ? null : expectedS - actualS,
});

test('travel time saved: expected on the original route - actual, over the rerouted cars that reached the rejoin point', () => {
  const records: GroundTruthRecord[] = [
    decision('A:w', 'rerouted', 300, 120),
    decision('B:w', 'rerouted', 200, 150),
    decision('C:w', 'rerouted', 100, 90),
    decision('D:w', 'rerouted', 100, 90), // left its route
    decision('E:w', 'rerouted', 100, 90), // not there yet
    decision('F:w', 'declined', 250, 100),
    decision('G:w', 'not_ahead', null, null),
    outcome('A:w', true, 300, 140), // saved 160
    outcome('B:w', true, 200, 160), // saved 40
    outcome('C:w', true, 100, 130), // lost 30
    outcome('D:w', true, 100, null),
    outcome('F:w', false, 250, 270), // the estimate was 20 s short
  ];
  const r = scoreRerouting(records);
  assert.equal(r.decisions, 7);
  assert.deepEqual(r.byReason, { rerouted: 5, declined: 1, not_ahead: 1 });
  assert.equal(r.eligible, 6);
  assert.equal(r.rerouted, 5);
  assert.deepEqual(r.saved, { count: 3, totalS: 170, medianS: 40, meanS: 56.7 });
  assert.equal(r.reroutedLeftRoute, 1);
  assert.equal(r.reroutedPending, 1);
  assert.deepEqual(r.stayed, { count: 1, totalS: -20, medianS: -20, meanS: -20 });
  assert.deepEqual(r.control, r.stayed, 'the declined driver is the control');
  assert.equal(r.savedBeyondControlMedianS, 60);
  assert.equal(r.promisedMedianS, 10);
  const text = formatRerouting(r);
  assert.match(text, /7 decisions/);
  assert.match(text, /3 rerouted cars reached the rejoin point: total 170 s, median 40 s/);
});

test('the control: drivers kept by the draw; with onlyIfFaster only those whose detour was expected faster', () => {
  const slowDetour = { ...decision('H:w', 'declined', 100, 150), onlyIfFaster: true };
  const fastDetour = { ...decision('I:w', 'declined', 150, 100), onlyIfFaster: true };
  const r = scoreRerouting([
    slowDetour,
    fastDetour,
    decision('J:w', 'detour_slower', 100, 150),
    outcome('H:w', false, 100, 100),
    outcome('I:w', false, 150, 160),
    outcome('J:w', false, 100, 95),
  ]);
  assert.equal(r.stayed.count, 3);
  assert.deepEqual(r.control, { count: 1, totalS: -10, medianS: -10, meanS: -10 });
  assert.ok(Number.isNaN(r.savedBeyondControlMedianS), 'no rerouted car: nothing to compare');
});

test('no decisions: zero counts, no median (null in JSON)', () => {
  const r = scoreRerouting([]);
  assert.equal(r.decisions, 0);
  assert.equal(r.saved.count, 0);
  assert.ok(Number.isNaN(r.saved.medianS));
  assert.equal((JSON.parse(JSON.stringify(r)) as { saved: { medianS: unknown } }).saved.medianS, null);
  assert.match(formatRerouting(r), /median -/);
});
