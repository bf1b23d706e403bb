/**
 * The jam overlay end to end: the simulator runs a small incident scenario (two arterial closures
 * from the first simulated minute, 10x real time) into the real backend (traffic role included)
 * and real Kafka; the dashboard in real Chromium shows the jam: the jam outline from the 'jam'
 * events (or GET /api/v1/jams) and segments coloured by jam factor from the 'segments' frames.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { repoPath } from '../../helpers/repo.js';
import { launchBrowser, loadPlaywright, openDashboard, pollPage, screenshot, startStack } from './stack.js';

const SCENARIO = repoPath('test', 'fixtures', 'dashboard', 'small-incident.yaml');

test('an incident scenario shows a jam on the overlay', { timeout: 240_000 }, async (t) => {
  const pw = await loadPlaywright();
  if (pw === undefined) {
    t.skip('playwright-core is not installed');
    return;
  }
  const stack = await startStack(t, { cars: 150, seed: '7', scenario: SCENARIO, speedup: 10, sim: { rate: 0.5 } });
  const browser = await launchBrowser(t, pw);
  const page = await openDashboard(browser, stack.url, 'demo-viewer-token');
  await pollPage(page, 'window.__v2x.traffic().jams.length > 0', 150_000, 'a jam on the overlay');
  const traffic = await page.evaluate<{ coloured: number; jams: string[]; maxJamFactor: number }>('window.__v2x.traffic()');
  assert.ok(traffic.jams.length > 0);
  await pollPage(page, 'window.__v2x.traffic().coloured > 0', 60_000, 'segments coloured by jam factor');
  await pollPage(
    page,
    "document.querySelector('[data-testid=feed-item][data-kind=jam]') !== null || window.__v2x.traffic().jams.length > 0",
    5_000,
    'the jam known to the page',
  );
  await screenshot(page, 'jam.png');
  assert.equal(stack.simEnded(), undefined, 'the simulator kept running');
});
