/**
 * The dashboard's end-to-end stack: a real backend with every role on free ports (real Kafka from
 * KAFKA_BROKERS or the test run), a real simulator (worker threads, fleet-key MQTT sessions on the
 * embedded broker) on the same city the backend's /api/v1/network describes, and real headless
 * Debian Chromium driven by playwright-core, logged in with a token. Everything closes in t.after.
 *
 * The backend serves the production bundle from the build root's dashboard/ folder (dist/dashboard
 * after `npm run build`); when it is missing the bundle is built into a temporary folder first
 * (esbuild without the type-check), so the test never runs against a stale or absent bundle silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeepReadonly } from '../../../core/config/load.js';
import type { Config } from '../../../app/config-schema.js';
import type { RunningBackend } from '../../../backend/app.js';
import { backendConfig, startTestBackend } from '../../helpers/backend.js';
import { waitFor } from '../../helpers/poll.js';
import { repoPath } from '../../helpers/repo.js';
import { runSim, simSettings, type RunningSim } from '../sim/helpers.js';
import type { Browser, Page, PlaywrightCore } from './playwright.js';
import { CHROMIUM_ARGS, chromiumPath } from '../../../infra/chromium.js';

type After = { after(fn: () => unknown): void };

export const ARTIFACTS = repoPath('test-artifacts', 'dashboard');
const FLEET_KEY = 'e2e-dashboard-fleet-key';

export async function loadPlaywright(): Promise<PlaywrightCore | undefined> {
  const name = 'playwright-core';
  try {
    return (await import(name)) as PlaywrightCore;
  } catch {
    return undefined;
  }
}

/** The bundle folder the backend serves: <build root>/dashboard, or a fresh build in a temp folder. */
export async function bundleDir(t: After): Promise<string> {
  const buildRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const built = join(buildRoot, 'dashboard');
  if (existsSync(join(built, 'index.html'))) return built;
  const dir = await mkdtemp(join(tmpdir(), 'dash-bundle-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(buildRoot, 'scripts', 'build-dashboard.js');
  const r = spawnSync(process.execPath, [script, '--out', dir, '--no-check'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the dashboard bundle failed: ${r.stderr || r.stdout}`);
  return dir;
}

export interface StackOptions {
  readonly cars: number;
  readonly seed?: string;
  /** A scenario file (its city and incidents); the backend serves the same network. */
  readonly scenario?: string;
  readonly speedup?: number;
  /** Extra backend config flags. */
  readonly flags?: Record<string, unknown>;
  /** Extra simulator settings. */
  readonly sim?: Record<string, unknown>;
}

export interface Stack {
  readonly backend: RunningBackend;
  readonly config: DeepReadonly<Config>;
  readonly sim: RunningSim;
  readonly url: string;
  /** Why the simulator stopped early, if it did (it runs until the test ends). */
  simEnded(): string | undefined;
}

export async function startStack(t: After, options: StackOptions): Promise<Stack> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b !== '');
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set (run through scripts/run-tests.js, which starts Kafka)');
  const seed = options.seed ?? '11';
  const simShape = { seed, cars: options.cars, ...(options.scenario ? { scenario: options.scenario } : {}) };
  const config = backendConfig(brokers, {
    'mqtt.fleetKey': FLEET_KEY,
    'dashboard.staticDir': await bundleDir(t),
    // the whole built-in city fits the 940 px map at zoom ~13.2: single cars from zoom 12 (150 cars, far below the frame cap)
    'dashboard.clusterZoom': 12,
    ...Object.fromEntries(Object.entries(simShape).map(([k, v]) => [`sim.${k}`, v])),
    // cars at speedup > 1 stamp their messages ahead of the wall clock: no bound on the skew then
    ...((options.speedup ?? 1) > 1 ? { 'bridge.maxClockSkewMs': 0 } : {}),
    ...options.flags,
  });
  const { backend } = await startTestBackend(t, config);
  if (!backend.broker) throw new Error('the stack needs the broker role');
  const sim = runSim(
    t,
    simSettings({
      ...simShape,
      broker: backend.broker.tcpUrl,
      fleetKey: FLEET_KEY,
      credentials: 'fleet-key',
      workers: 1,
      sleep: false,
      coverageHolesPerHour: 0,
      rampRate: 1000,
      ...(options.speedup ? { speedup: options.speedup } : {}),
      ...options.sim,
    }),
  );
  let ended: string | undefined;
  sim.done.then(
    (summary) => (ended = `ended by itself: ${JSON.stringify(summary).slice(0, 500)}`),
    (err: unknown) => (ended = `failed: ${err instanceof Error ? err.message : String(err)}`),
  );
  return { backend, config, sim, url: backend.httpUrl, simEnded: () => ended };
}

export async function launchBrowser(t: After, pw: PlaywrightCore): Promise<Browser> {
  const browser = await pw.chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], headless: true });
  t.after(() => browser.close());
  return browser;
}

/** A new page at the dashboard, logged in with `token`, once the map and hub are up. */
export async function openDashboard(browser: Browser, url: string, token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const outside: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(url) && !req.url().startsWith(url.replace('http', 'ws'))) outside.push(req.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.fill('[data-testid=login-token]', token);
  await page.click('[data-testid=login-submit]');
  await pollPage(page, 'window.__v2x !== undefined && window.__v2x.socketConnected()', 30_000, 'the dashboard to start and connect');
  if (outside.length > 0) throw new Error(`the dashboard fetched from outside the backend: ${outside.join(', ')}`);
  return page;
}

const STATE =
  'JSON.stringify({ positions: window.__v2x?.positions(), drawn: window.__v2x?.cars().length, connected: window.__v2x?.socketConnected() })';

/** Polls an expression in the page until it is truthy, with a deadline; a timeout names what the page showed. */
export async function pollPage(page: Page, expression: string, timeoutMs: number, what: string): Promise<void> {
  try {
    await waitFor(async () => Boolean(await page.evaluate<unknown>(expression)), { timeoutMs, intervalMs: 250, what });
  } catch (err) {
    const state = await page.evaluate<string>(STATE).catch(() => 'unavailable');
    throw new Error(`${err instanceof Error ? err.message : String(err)}; page state ${state}`, { cause: err });
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path });
  return path;
}
