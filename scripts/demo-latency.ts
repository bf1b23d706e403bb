/**
 * The demo's latency, as its dashboard shows it (issue 17 item 4, decision 0030): reads the system
 * panel's figure (GET /api/v1/system: latencyP99Ms, the live p99 over the last second, and what it
 * measures) every --every seconds for --seconds after --warmup seconds, and reports the median and
 * the max of the samples against the targets (median <= 50 ms, max <= 200 ms).
 *
 * Against a running demo (`npm start` in another terminal):
 *   node dist/scripts/demo-latency.js [--url http://127.0.0.1:3000] [--token demo-viewer-token]
 * Or it starts the demo itself (`v2x up`, --cars cars, on a free HTTP port and free MQTT ports), waits
 * until the cars are connected, measures, and stops it:
 *   node dist/scripts/demo-latency.js --start [--cars 1000]
 * Common: [--warmup 60] [--every 2] [--seconds 40]. The last stdout line is JSON; exit code 1 when a
 * target is missed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const num = (name: string, fallback: number): number => {
  const v = Number(flag(name, String(fallback)));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number >= 0 (got ${flag(name, '')})`);
  return v;
};
const WARMUP_S = num('warmup', 60);
const EVERY_S = num('every', 2);
const SECONDS = num('seconds', 40);
const CARS = num('cars', 1000);
const TOKEN = flag('token', 'demo-viewer-token');
const START = argv.includes('--start');
const TARGET = { median_ms: 50, max_ms: 200 };

const status = (s: string): void => void process.stderr.write(`[demo-latency] ${s}\n`);
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface SystemMsg {
  readonly latencyP99Ms: number;
  readonly latencyOf?: string;
  readonly connectedCars: number;
  readonly msgPerS: number;
  readonly stored?: number;
  readonly hops?: readonly { hop: string; p50Ms: number; p99Ms: number }[];
}

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  return port;
}

async function system(url: string): Promise<SystemMsg | undefined> {
  try {
    const res = await fetch(`${url}/api/v1/system`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return res.ok ? ((await res.json()) as SystemMsg) : undefined;
  } catch {
    return undefined;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

let child: ChildProcess | undefined;
let code = 0;
try {
  let url = flag('url', 'http://127.0.0.1:3000');
  if (START) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'v2x.js');
    status(`starting the demo: v2x up --cars ${CARS} on ${url}`);
    child = spawn(process.execPath, [bin, 'up', '--cars', String(CARS)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        V2X_BACKEND__HTTP_PORT: String(port),
        V2X_MQTT__PORT: '0',
        V2X_MQTT__WS_PORT: '0',
        V2X_MQTT__TLS_PORT: '0',
      },
    });
    let last = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (last = s.trim().split('\n').pop() ?? last));
    const deadline = Date.now() + 600_000;
    for (;;) {
      const s = await system(url);
      if (s !== undefined && s.connectedCars >= CARS * 0.95) break;
      if (child.exitCode !== null) throw new Error(`the demo exited: ${last}`);
      if (Date.now() > deadline) throw new Error(`the demo was not up with its cars in 10 minutes: ${last}`);
      await wait(2000);
    }
    status(`${CARS} cars connected`);
  } else if ((await system(url)) === undefined)
    throw new Error(`no dashboard answers GET ${url}/api/v1/system (start the demo: npm start)`);

  status(`warming up ${WARMUP_S} s`);
  await wait(WARMUP_S * 1000);
  const samples: { t: number; p99: number; stored: number; cars: number }[] = [];
  let of = '';
  let hops: SystemMsg['hops'];
  for (let t = 0; t < SECONDS; t += EVERY_S) {
    const s = await system(url);
    if (s !== undefined) {
      samples.push({ t, p99: s.latencyP99Ms, stored: s.stored ?? 0, cars: s.connectedCars });
      of = s.latencyOf ?? of;
      hops = s.hops ?? hops;
      console.log(
        `${String(t).padStart(3)} s  live p99 ${s.latencyP99Ms} ms  (${s.connectedCars} cars, ${s.msgPerS} msg/s, ${s.stored ?? 0} stored)`,
      );
    }
    await wait(EVERY_S * 1000);
  }
  const p99s = samples.map((s) => s.p99);
  const result = {
    samples: samples.length,
    median_ms: Math.round(median(p99s) * 10) / 10,
    max_ms: Math.max(...p99s),
    measures: of,
    last_waterfall: hops,
    target: TARGET,
    met: median(p99s) <= TARGET.median_ms && Math.max(...p99s) <= TARGET.max_ms,
    cars: samples[samples.length - 1]?.cars ?? 0,
    warmup_s: WARMUP_S,
    every_s: EVERY_S,
    seconds: SECONDS,
  };
  console.log(JSON.stringify(result));
  if (!result.met || samples.length === 0) code = 1;
} catch (err) {
  status(`failed: ${(err as Error).message}`);
  code = 1;
} finally {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGINT');
    await Promise.race([once(child, 'exit'), wait(60_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
process.exit(code);
