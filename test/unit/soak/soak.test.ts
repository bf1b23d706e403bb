/** The soak's pure parts (scripts/soak/): its books, the Prometheus parsing, the verdict and the chart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acknowledgedLoss, acknowledgedLossOf, CommandLedger, TelemetryLedger } from '../../../scripts/soak/ledger.js';
import { backendSample, judgedHeapMb, rssFromStatus } from '../../../scripts/soak/metrics.js';
import { growthAfterWarmup, median, verdict, type MinuteRow } from '../../../scripts/soak/verdict.js';
import { soakChart } from '../../../scripts/soak/chart.js';

test('telemetry books: holes below the highest seq are lost once past the grace, repeats are duplicates', () => {
  const l = new TelemetryLedger();
  for (const s of [3, 4, 5, 7, 8, 9, 10, 5, 12]) l.add('A', s);
  for (let s = 0; s < 2000; s++) l.add('B', s);
  const all = l.figures(0);
  assert.deepEqual(all, { cars: 2, found: 2008, duplicates: 1, lost: 2, pending: 0 });
  // with a grace of 3 seqs, 11 (12 - 1) may still come; 6 may not
  assert.deepEqual(l.figures(3), { cars: 2, found: 2008, duplicates: 1, lost: 1, pending: 1 });
  // a late arrival fills its hole; a car's first seq may be above 0 (it started before its session)
  l.add('A', 6);
  l.add('A', 11);
  assert.equal(l.figures(0).lost, 0);
});

test('acknowledged loss: holes are part of what Kafka lacks, counted once (the failover run reported 9 for its 5 holes)', () => {
  // bench/results/failover.json at 4e3b262, the run with kills: 5 holes; the cars made 68 more telemetry
  // messages than Kafka had, and had 64 messages not acknowledged when they stopped. The bench added
  // the holes to 68 - 64 = 4 (which already includes them): 9.
  const books = new TelemetryLedger();
  for (let s = 0; s < 100; s++) if (![10, 11, 12, 13, 14].includes(s)) books.add('A', s);
  const { lost: holes, found } = books.figures(0);
  assert.equal(holes, 5);
  const cars = { published: found + 68, unacknowledged: 60, unsent: 4, dropped: 0 };
  assert.equal(holes + Math.max(0, cars.published - found - 64), 9, 'the old count');
  assert.deepEqual(acknowledgedLoss(holes, found, cars), { lost: 5, neverInKafka: 68, notAcknowledged: 64 });
  // the same from the simulator's summary counters (the soak and the failover bench), and without a summary
  const summary = { published: { telemetry: found + 68 }, unacknowledged: 60, unsent: 4 };
  assert.deepEqual(acknowledgedLossOf(holes, found, summary), { lost: 5, neverInKafka: 68, notAcknowledged: 64 });
  assert.deepEqual(acknowledgedLossOf(holes, found, undefined), { lost: 5, neverInKafka: null, notAcknowledged: 0 });
  // the uninterrupted run: no holes, 57 not in Kafka, 58 not acknowledged
  assert.equal(acknowledgedLoss(0, 1000, { published: 1057, unacknowledged: 50, unsent: 8, dropped: 0 }).lost, 0);
  // beyond the holes and what was not acknowledged: acknowledged and lost at the end of a car's run
  assert.equal(acknowledgedLoss(5, found, { ...cars, published: found + 75 }).lost, 11);
  // a hole a car dropped itself (its queue full) was never acknowledged
  assert.equal(acknowledgedLoss(5, found, { published: found + 5, unacknowledged: 0, unsent: 0, dropped: 3 }).lost, 2);
  // without the cars' counters: the holes
  assert.deepEqual(acknowledgedLoss(5, found, undefined), { lost: 5, neverInKafka: null, notAcknowledged: 0 });
});

test('command books: a redelivered result is harmless, two executions are counted', () => {
  const c = new CommandLedger();
  c.add({ commandId: 'x', status: 'delivered', ts: 1 });
  c.add({ commandId: 'x', status: 'succeeded', ts: 2 });
  c.add({ commandId: 'x', status: 'succeeded', ts: 2 });
  c.add({ commandId: 'y', status: 'failed', ts: 5 });
  assert.deepEqual(c.figures(), { answered: 2, finished: 2, succeeded: 1, redelivered: 1, executedTwice: 0 });
  assert.equal(c.executions('x'), 1);
  assert.equal(c.executions('z'), 0);
  c.add({ commandId: 'x', status: 'succeeded', ts: 9 });
  assert.equal(c.figures().executedTwice, 1);
  assert.equal(c.executions('x'), 2);
});

test('metrics: a backend process from its probe and /proc', () => {
  assert.equal(rssFromStatus('Name:\tnode\nVmRSS:\t  204800 kB\nThreads: 11\n'), 200);
  assert.equal(rssFromStatus('Name:\tzombie\n'), undefined);
  const loopDelayMs = { p50: 1, p99: 12.34, max: 50, count: 9 };
  const before = backendSample({ heapUsedMb: 100.04, loopDelayMs }, 300);
  assert.deepEqual(before, { rssMb: 300, heapMb: 100, loopP99Ms: 12.3, loopMaxMs: 50 });
  assert.equal(judgedHeapMb(before), 100);
  // after a full GC the live heap is what counts: garbage not yet collected is no leak
  const after = backendSample({ heapUsedMb: 180, heapAfterMajorGcMb: 70, loopDelayMs }, 300);
  assert.equal(after.liveHeapMb, 70);
  assert.equal(judgedHeapMb(after), 70);
});

const row = (minute: number, rss: number, heap: number): MinuteRow => ({
  minute,
  processes: {
    services: { rssMb: rss, heapMb: heap, loopP99Ms: 10, loopMaxMs: 20 },
    soak: { rssMb: rss * 3, heapMb: 1, loopP99Ms: 1, loopMaxMs: 1 },
  },
});

test('verdict: growth after the warm-up from median to median; loss, double execution and restarts fail', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  // the warm-up's climb (100 -> 200) does not count; 200 -> 210 is 5 %
  const flat = [row(1, 100, 50), row(2, 200, 80), row(3, 200, 80), row(4, 205, 82), row(5, 210, 81), row(6, 210, 80), row(7, 210, 80)];
  const g = growthAfterWarmup(flat, 1);
  assert.deepEqual(
    g.filter((x) => x.process === 'services').map((x) => [x.metric, x.fromMb, x.toMb]),
    [
      ['rss', 200, 210],
      ['heap', 80, 80],
    ],
  );
  const ok = verdict({ rows: flat, warmupMinutes: 1, maxGrowth: 0.1, lost: 0, executedTwice: 0, restarts: 0 });
  assert.equal(ok.pass, true, ok.failures.join('; '));
  const leak = [...flat.slice(0, 4), row(5, 240, 90), row(6, 250, 95), row(7, 260, 99)];
  const bad = verdict({ rows: leak, warmupMinutes: 1, maxGrowth: 0.1, lost: 2, executedTwice: 1, restarts: 1, notJudged: ['soak'] });
  assert.equal(bad.pass, false);
  assert.deepEqual(bad.failures, [
    'services rss grew 25.0% after the warm-up (200 -> 250 MB)',
    'services heap grew 18.8% after the warm-up (80 -> 95 MB)',
    '2 telemetry messages lost',
    '1 commands executed twice',
    '1 backend process restarts',
  ]);
  // too short to judge is a failure too, not a pass
  assert.equal(verdict({ rows: flat.slice(0, 2), warmupMinutes: 1, maxGrowth: 0.1, lost: 0, executedTwice: 0, restarts: 0 }).pass, false);
});

test('chart: one line per process in each panel, the names escaped', () => {
  const svg = soakChart([row(1, 100, 50), row(2, 110, 55)], { title: 'a <b> & c', warmupMinutes: 1 });
  assert.match(svg, /^<svg /);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 4);
  assert.match(svg, /a &lt;b&gt; &amp; c/);
});
