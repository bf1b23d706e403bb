/**
 * The failover benchmark's load beside the cars' telemetry, through the public REST API: four
 * circular fences over the city (one sends set_speed_limit to every car that enters it, one
 * flash_lights to every car that leaves it, two only record), made before the cars start and never
 * changed (so two runs of one seed see the same fences, and every fix of a run is evaluated against
 * all of them: the replay of failover-replay.ts is then exact), and a steady stream of remote
 * commands to seeded random cars (flash_lights, honk, locate), each with an idempotency key so that
 * a POST that failed while a process or a broker was down is retried safely (up to 3 times, 1 s apart).
 */
import { Rng } from '../../core/random.js';

export interface FailoverLoadFigures {
  /** Commands by the HTTP status of their last attempt (202 created, 200 replayed). */
  readonly commandsByStatus: Readonly<Record<string, number>>;
  /** Attempts that failed and were tried again. */
  readonly retries: number;
}

export interface FailoverLoad {
  figures(): FailoverLoadFigures;
  stop(): Promise<void>;
}

const TYPES = ['flash_lights', 'honk', 'locate'] as const;
const M_LAT = 111_320;

export const FAILOVER_FENCES: readonly { id: string; dx: number; dy: number; radiusM: number; action?: Record<string, unknown> }[] = [
  { id: 'fo-enter', dx: -600, dy: 300, radiusM: 250, action: { on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 30 } } } },
  { id: 'fo-exit', dx: 600, dy: -300, radiusM: 250, action: { on: 'exit', command: { type: 'flash_lights', params: {} } } },
  { id: 'fo-quiet-1', dx: 0, dy: 900, radiusM: 300 },
  { id: 'fo-quiet-2', dx: -900, dy: -900, radiusM: 300 },
];

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface FenceTarget {
  readonly httpUrl: string;
  readonly token: string;
  readonly centre: { readonly lat: number; readonly lon: number };
}

/** Makes the four fences through the REST API (before the cars start). */
export async function createFailoverFences(options: FenceTarget): Promise<void> {
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const mLon = M_LAT * Math.cos((options.centre.lat * Math.PI) / 180);
  for (const f of FAILOVER_FENCES) {
    const body = {
      id: f.id,
      name: `failover ${f.id}`,
      tags: ['failover'],
      geometry: { type: 'Circle', center: [options.centre.lon + f.dx / mLon, options.centre.lat + f.dy / M_LAT], radiusM: f.radiusM },
      ...(f.action && { actions: [f.action] }),
    };
    const res = await fetch(`${options.httpUrl}/api/v1/fences`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`creating fence ${f.id}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    await res.arrayBuffer();
  }
}

/**
 * Resolves once `instances` processes of the stack report geofencing in their /health, each with at
 * least `fences` fences (an instance applies a fence when it reads it from the geofences topic);
 * rejects after timeoutMs naming what the instances reported.
 */
export async function fencesEverywhere(httpUrl: string, fences: number, instances: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const h = (await (await fetch(`${httpUrl}/health`)).json()) as {
        processes?: { name: string; health?: { geofencing?: { fences?: number } } }[];
      };
      const counts = (h.processes ?? [])
        .filter((p) => p.health?.geofencing !== undefined)
        .map((p) => ({ name: p.name, fences: p.health!.geofencing!.fences ?? 0 }));
      last = counts.map((c) => `${c.name} ${c.fences}`).join(', ');
      if (counts.length >= instances && counts.every((c) => c.fences >= fences)) return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(`not ${instances} geofencing instances with the ${fences} fences after ${timeoutMs} ms: ${last}`);
    await wait(250);
  }
}

/** The stream of API commands (the fences are made before, by createFailoverFences). */
export async function startFailoverLoad(options: {
  readonly httpUrl: string;
  readonly token: string;
  readonly vins: readonly string[];
  readonly commandsPerS: number;
  readonly seed: string;
  readonly onError: (line: string) => void;
}): Promise<FailoverLoad> {
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const byStatus: Record<string, number> = {};
  let retries = 0;
  const inFlight = new Set<Promise<void>>();
  const rng = new Rng(`${options.seed}:failover-load`);
  let k = 0;
  const send = async (): Promise<void> => {
    const vin = options.vins[rng.int(0, options.vins.length - 1)] as string;
    const body = JSON.stringify({ type: TYPES[rng.int(0, TYPES.length - 1)], params: {}, ttlSeconds: 60, idempotencyKey: `fo-${k++}` });
    let last = 'network_error';
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) {
        retries++;
        await wait(1000);
      }
      try {
        const res = await fetch(`${options.httpUrl}/api/v1/vehicles/${vin}/commands`, { method: 'POST', headers, body });
        const text = await res.text();
        last = String(res.status);
        if (res.status < 500) break;
        options.onError(`command POST: HTTP ${res.status} ${text.slice(0, 160)}`);
      } catch (err) {
        last = 'network_error';
        options.onError(`command POST: ${(err as Error).message}`);
      }
    }
    byStatus[last] = (byStatus[last] ?? 0) + 1;
  };
  const timer =
    options.commandsPerS > 0
      ? setInterval(() => {
          const p = send();
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }, 1000 / options.commandsPerS)
      : undefined;
  return {
    figures: () => ({ commandsByStatus: { ...byStatus }, retries }),
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}
