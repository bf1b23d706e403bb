/**
 * Renders an HTML report in real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core): opened from a file:// address, each chart's SVG must have a non-zero size and
 * drawn paths, and no request may leave the file; a screenshot goes to test-artifacts/loadtest/.
 *
 * playwright-core is loaded by name at run time so this file compiles before the package is
 * installed; until it is, the calling test is skipped with that reason.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from '../../helpers/repo.js';
import { CHROMIUM_ARGS, chromiumPath } from '../../../infra/chromium.js';

/** The part of playwright-core this test uses. */
interface ChartBox {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly paths: number;
  readonly pathLength: number;
}
interface Page {
  goto(url: string, options?: { waitUntil?: 'load' }): Promise<unknown>;
  evaluate<R>(expression: string): Promise<R>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(event: 'request', listener: (req: { url(): string }) => void): void;
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface PlaywrightCore {
  readonly chromium: { launch(options: { executablePath: string; args: string[]; headless?: boolean }): Promise<Browser> };
}

async function loadPlaywright(): Promise<PlaywrightCore | undefined> {
  const name = 'playwright-core';
  try {
    return (await import(name)) as PlaywrightCore;
  } catch {
    return undefined;
  }
}

/** Runs in the page (a string: the project compiles without the DOM lib): size and drawn paths of every chart. */
const MEASURE_CHARTS = `[...document.querySelectorAll('svg.chart')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const paths = [...svg.querySelectorAll('path.series')];
  return {
    id: svg.getAttribute('data-chart') || '',
    width: box.width,
    height: box.height,
    paths: paths.length,
    pathLength: paths.reduce((sum, p) => sum + p.getTotalLength(), 0),
  };
})`;

export async function renderAndCheck(t: TestContext, html: string, charts: readonly string[], shot: string): Promise<void> {
  const pw = await loadPlaywright();
  if (pw === undefined) {
    t.skip('playwright-core is not installed (npm install --save-dev playwright-core)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'lt-html-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'report.html');
  await writeFile(file, html);

  const browser = await pw.chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

  const boxes = await page.evaluate<ChartBox[]>(MEASURE_CHARTS);
  assert.deepEqual(
    boxes.map((b) => b.id),
    [...charts],
  );
  for (const b of boxes) {
    assert.ok(b.width > 100 && b.height > 100, `chart ${b.id} is ${b.width}x${b.height}`);
    assert.ok(b.paths > 0 && b.pathLength > 50, `chart ${b.id} has drawn lines (${b.paths} paths, ${b.pathLength} px)`);
  }
  assert.deepEqual(
    requests.filter((u) => !u.startsWith('file://')),
    [],
    'the report loads nothing but itself',
  );
  const artefacts = repoPath('test-artifacts', 'loadtest');
  await mkdir(artefacts, { recursive: true });
  await page.screenshot({ path: join(artefacts, shot), fullPage: true });
}
