import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPARE_CHARTS, RUN_CHARTS } from '../../../loadtest/report/charts.js';
import { comparisonHtml } from '../../../loadtest/report/compare.js';
import { htmlReport } from '../../../loadtest/report/html.js';
import { lineChart, niceTicks } from '../../../loadtest/report/svg-chart.js';
import { syntheticReport } from './fixtures.js';

const VOID = new Set(['meta', 'link', 'br', 'hr', 'img', 'input']);

/** Tags balance (a small well-formedness check: every element closed, in order). */
function assertBalanced(html: string): void {
  const stack: string[] = [];
  const body = html.replace(/<!DOCTYPE[^>]*>/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    const tag = (name as string).toLowerCase();
    if (self === '/' || VOID.has(tag)) continue;
    if (close === '/') {
      const open = stack.pop();
      assert.equal(open, tag, `</${tag}> closes <${open}> at ${m.index}`);
    } else stack.push(tag);
  }
  assert.deepEqual(stack, [], 'every element is closed');
}

function assertOffline(html: string): void {
  assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i, 'no external src/href');
  assert.doesNotMatch(html, /https?:\/\//i, 'no URL at all');
  assert.doesNotMatch(html, /<script|<link|@import|url\(/i, 'no scripts, stylesheets or CSS urls');
}

test('the HTML report is one well-formed, offline page with an SVG per chart', () => {
  const html = htmlReport(syntheticReport({ slow: 20 }));
  assert.match(html, /^<!DOCTYPE html>/);
  assertBalanced(html);
  assertOffline(html);
  for (const id of RUN_CHARTS) {
    const svg = new RegExp(`<svg class="chart" data-chart="${id}"[^>]*>([\\s\\S]*?)</svg>`).exec(html);
    assert.ok(svg, `chart ${id}`);
    assert.match(svg[1] as string, /<path class="series" [^>]*d="M[\d.]+ [\d.]+L/, `chart ${id} has a drawn line`);
  }
  assert.match(html, /✗ FAIL/);
  assert.match(html, /puback_latency.p99 &lt; 50ms/);
  assert.match(html, /MQTT_KEEPALIVE_TIMEOUT/);
});

test('report text is escaped', () => {
  const r = syntheticReport({ broker: '<script>alert(1)</script>' });
  const html = htmlReport(r);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;/);
  assertBalanced(html);
});

test('the comparison page overlays one line per run on each chart', () => {
  const html = comparisonHtml([syntheticReport({ broker: 'mosquitto' }), syntheticReport({ broker: 'aedes', slow: 3 })]);
  assertBalanced(html);
  assertOffline(html);
  for (const id of COMPARE_CHARTS) {
    const svg = new RegExp(`<svg class="chart" data-chart="${id}"[^>]*>([\\s\\S]*?)</svg>`).exec(html);
    assert.ok(svg, `chart ${id}`);
    const lines = [...(svg[1] as string).matchAll(/<path class="series" data-series="([^"]+)"/g)].map((m) => m[1]);
    if (id !== 'errors') assert.deepEqual(lines, ['1. mosquitto', '2. aedes'], id);
  }
  assert.match(html, /<th>1\. mosquitto<\/th><th>2\. aedes<\/th>/);
});

test('charts: round ticks, gaps break lines, empty series draw no path', () => {
  assert.deepEqual(niceTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(
    niceTicks(0, 7, 5),
    [0, 2, 4, 6, 8].filter((t) => t <= 7),
  );
  const svg = lineChart({
    id: 't',
    title: 'T',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      {
        name: 'a',
        points: [
          [0, 1],
          [1, 2],
          [2, null],
          [3, 4],
        ],
      },
      { name: 'empty', points: [[0, null]] },
    ],
  });
  const d = /data-series="a" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  assert.equal((d.match(/M/g) ?? []).length, 2, 'a gap starts a new sub-path');
  assert.doesNotMatch(svg, /data-series="empty"/);
});
