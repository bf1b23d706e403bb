/**
 * The HTML report renders in real headless Chromium (render.ts): opened from a file:// address
 * with the network cut off, each chart's SVG has a non-zero size and drawn paths; a screenshot
 * goes to test-artifacts/loadtest/. Skipped with a reason when playwright-core is not installed.
 */
import { test } from 'node:test';
import { COMPARE_CHARTS, RUN_CHARTS } from '../../../loadtest/report/charts.js';
import { comparisonHtml } from '../../../loadtest/report/compare.js';
import { htmlReport } from '../../../loadtest/report/html.js';
import { syntheticReport } from '../../unit/loadtest/fixtures.js';
import { renderAndCheck } from './render.js';

test('the HTML report renders its charts in headless Chromium, offline', async (t) => {
  await renderAndCheck(t, htmlReport(syntheticReport({ slow: 20 })), RUN_CHARTS, 'report.png');
});

test('the comparison HTML renders its overlaid charts in headless Chromium', async (t) => {
  const html = comparisonHtml([syntheticReport({ broker: 'mosquitto' }), syntheticReport({ broker: 'aedes', slow: 3 })]);
  await renderAndCheck(t, html, COMPARE_CHARTS, 'compare.png');
});
