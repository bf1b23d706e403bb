/**
 * The dashboard end to end: a real backend with every role, real Kafka, a real simulator with 150
 * cars on the built-in city, real headless Chromium. One stack, four cases in order:
 * - at least 100 cars are drawn and their positions change between two screenshots;
 * - an operator clicks a car, presses Unlock and sees the command reach SUCCEEDED;
 * - an admin draws a fence across a road (around a moving car) and an enter event shows in the feed;
 * - a viewer's vehicle panel has no command buttons (and no fence tools).
 * Screenshots go to test-artifacts/dashboard/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { waitFor } from '../../helpers/poll.js';
import type { Page } from './playwright.js';
import { launchBrowser, loadPlaywright, openDashboard, pollPage, screenshot, startStack } from './stack.js';

interface CarDot {
  readonly vin: string;
  readonly x: number;
  readonly y: number;
  readonly moving: boolean;
}

const cars = (page: Page): Promise<CarDot[]> => page.evaluate<CarDot[]>('window.__v2x.cars()');

/** A car drawn well inside the map (away from its edges), moving if `moving`. */
async function pickCar(page: Page, moving: boolean): Promise<CarDot> {
  let found: CarDot | undefined;
  await waitFor(
    async () => {
      const box = await page.evaluate<{ left: number; top: number; right: number; bottom: number }>(
        "(() => { const r = document.querySelector('[data-testid=map-canvas]').getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; })()",
      );
      const inside = (await cars(page)).filter(
        (c) => c.x > box.left + 150 && c.x < box.right - 150 && c.y > box.top + 150 && c.y < box.bottom - 150 && (!moving || c.moving),
      );
      found = inside[Math.floor(inside.length / 2)];
      return found !== undefined;
    },
    { timeoutMs: 30_000, what: `a ${moving ? 'moving ' : ''}car inside the map` },
  );
  return found as CarDot;
}

/** Polls until an element matching `selector` is on the page. */
const waitForElement = (page: Parameters<typeof pollPage>[0], selector: string, ms: number, what: string): Promise<void> =>
  pollPage(page, `document.querySelector(${JSON.stringify(selector)}) !== null`, ms, what);

test('the dashboard in real Chromium against the whole stack', { timeout: 300_000 }, async (t) => {
  const pw = await loadPlaywright();
  if (pw === undefined) {
    t.skip('playwright-core is not installed');
    return;
  }
  const stack = await startStack(t, { cars: 150 });
  const browser = await launchBrowser(t, pw);
  t.afterEach(() => assert.equal(stack.simEnded(), undefined, 'the simulator kept running'));

  await t.test('at least 100 cars are shown and they move between two screenshots', async () => {
    const page = await openDashboard(browser, stack.url, 'demo-operator-token');
    await pollPage(page, 'window.__v2x.cars().length >= 100', 90_000, 'at least 100 cars drawn');
    const first = await cars(page);
    const shot1 = await screenshot(page, 'cars-1.png');
    const before = new Map(first.map((c) => [c.vin, c]));
    let moved = 0;
    await waitFor(
      async () => {
        moved = (await cars(page)).filter((c) => {
          const b = before.get(c.vin);
          return b !== undefined && Math.hypot(b.x - c.x, b.y - c.y) > 2;
        }).length;
        return moved >= 20;
      },
      { timeoutMs: 30_000, what: '20 cars moved on screen' },
    );
    const second = await cars(page);
    const shot2 = await screenshot(page, 'cars-2.png');
    assert.ok(first.length >= 100 && second.length >= 100, `${first.length} then ${second.length} cars drawn`);
    assert.ok(moved >= 20, `${moved} cars moved`);
    assert.notDeepEqual(await readFile(shot1), await readFile(shot2), 'the two screenshots differ');
    const system = await page.evaluate<string>("document.querySelector('[data-testid=sys-cars]').textContent");
    assert.match(system, /^\d+$/, 'the system panel shows connected cars');
    await page.close();
  });

  await t.test('click a car, press Unlock, see SUCCEEDED', async () => {
    const page = await openDashboard(browser, stack.url, 'demo-operator-token');
    await pollPage(page, 'window.__v2x.cars().length >= 100', 60_000, 'cars drawn');
    const car = await pickCar(page, false);
    await page.mouse.click(car.x, car.y);
    await pollPage(page, 'window.__v2x.selectedVin() !== undefined', 10_000, 'a car selected by the click');
    await pollPage(page, "!document.querySelector('[data-testid=vehicle-panel]').hidden", 5_000, 'the vehicle panel open');
    await waitForElement(page, '[data-testid=vehicle-make]', 15_000, 'the vehicle details loaded');
    await page.click('[data-testid=cmd-unlock]');
    await waitForElement(
      page,
      '[data-testid=command-row][data-type=unlock][data-status=SUCCEEDED]',
      60_000,
      'the unlock command SUCCEEDED in the panel',
    );
    const trail = await page.evaluate<string>("document.querySelector('[data-testid=command-row][data-type=unlock] .trail').textContent");
    assert.match(trail, /SUCCEEDED/);
    await waitForElement(page, '[data-testid=feed-item][data-kind=command][data-type=SUCCEEDED]', 10_000, 'the command in the feed');
    await screenshot(page, 'unlock.png');
    await page.close();
  });

  await t.test('draw a fence across a road and see an enter event', async () => {
    const page = await openDashboard(browser, stack.url, 'demo-admin-token');
    await pollPage(page, 'window.__v2x.cars().length >= 100', 60_000, 'cars drawn');
    const car = await pickCar(page, true);
    await page.click('[data-testid=fence-draw]');
    const r = 110;
    for (const [dx, dy] of [
      [-r, -r],
      [r, -r],
      [r, r],
      [-r, r],
    ] as const) {
      await page.mouse.click(car.x + dx, car.y + dy);
    }
    await page.fill('[data-testid=fence-name]', 'e2e fence');
    await page.click('[data-testid=fence-finish]');
    await waitForElement(page, '[data-testid=fence-item]', 15_000, 'the fence in the list');
    await waitForElement(page, '[data-testid=feed-item][data-kind=geofence][data-type=enter]', 90_000, 'an enter event in the feed');
    await screenshot(page, 'fence.png');
    await page.close();
  });

  await t.test('a viewer has no command buttons', async () => {
    const page = await openDashboard(browser, stack.url, 'demo-viewer-token');
    assert.equal(await page.evaluate<string>('window.__v2x.role'), 'viewer');
    await pollPage(page, 'window.__v2x.cars().length > 0', 60_000, 'cars drawn');
    const car = await pickCar(page, false);
    await page.mouse.click(car.x, car.y);
    await waitForElement(page, '[data-testid=vehicle-make]', 15_000, 'the vehicle details loaded');
    assert.equal(await page.locator('[data-testid^=cmd-]').count(), 0, 'no command buttons');
    assert.equal(await page.locator('[data-testid=command-buttons]').count(), 0);
    assert.equal(await page.locator('[data-testid=fence-draw]').count(), 0, 'no fence drawing');
    await screenshot(page, 'viewer.png');
    await page.close();
  });
});
