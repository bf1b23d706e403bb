/**
 * The soak's load beside the cars' telemetry, through the public REST API as an operator would
 * drive it: geofences (circles over the city, one with an enter action that sends set_speed_limit to
 * every car that enters, so the fence path makes commands too; one fence replaced every minute), and
 * remote commands to random cars at a steady rate (flash_lights, honk, locate: every car, parked or
 * driving, executes them; a car asleep lets its command expire, as on the road).
 */
import { Rng } from '../../core/random.js';

export interface LoadFigures {
  /** Commands POSTed, by HTTP status (202 accepted). */
  readonly commandsByStatus: Readonly<Record<string, number>>;
  readonly fencesCreated: number;
  readonly fenceReplacements: number;
  readonly fenceErrors: number;
}

export interface SoakLoad {
  figures(): LoadFigures;
  /** Stops sending (in-flight requests are awaited). */
  stop(): Promise<void>;
}

const TYPES = ['flash_lights', 'honk', 'locate'] as const;
const M_LAT = 111_320;

/** A circle fence `dx`, `dy` metres from the city's centre. */
function circle(id: string, centre: { lat: number; lon: number }, dx: number, dy: number, radiusM: number, action: boolean): unknown {
  const mLon = M_LAT * Math.cos((centre.lat * Math.PI) / 180);
  return {
    id,
    name: `soak ${id}`,
    tags: ['soak'],
    geometry: { type: 'Circle', center: [centre.lon + dx / mLon, centre.lat + dy / M_LAT], radiusM },
    ...(action && { actions: [{ on: 'enter', command: { type: 'set_speed_limit', params: { kmh: 30 } } }] }),
  };
}

export async function startSoakLoad(options: {
  readonly httpUrl: string;
  readonly token: string;
  readonly vins: readonly string[];
  readonly commandsPerS: number;
  readonly centre: { readonly lat: number; readonly lon: number };
  readonly seed: string;
  readonly onError: (line: string) => void;
}): Promise<SoakLoad> {
  const { httpUrl, token } = options;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const byStatus: Record<string, number> = {};
  let fencesCreated = 0;
  let fenceReplacements = 0;
  let fenceErrors = 0;
  const fenceError = async (what: string, res: Response): Promise<void> => {
    fenceErrors++;
    options.onError(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  };

  const spots: [number, number][] = [
    [0, 0],
    [-900, 600],
    [900, 600],
    [-900, -600],
    [900, -600],
    [0, 1200],
  ];
  for (const [i, [dx, dy]] of spots.entries()) {
    const body = circle(`soak-${i}`, options.centre, dx, dy, 250, i === 0);
    const res = await fetch(`${httpUrl}/api/v1/fences`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status === 201) fencesCreated++;
    else await fenceError(`creating fence soak-${i}`, res);
  }

  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const rng = new Rng(`${options.seed}:soak-load`);
  const sendCommand = async (): Promise<void> => {
    const vin = options.vins[rng.int(0, options.vins.length - 1)] as string;
    const type = TYPES[rng.int(0, TYPES.length - 1)] as string;
    try {
      const res = await fetch(`${httpUrl}/api/v1/vehicles/${vin}/commands`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type, params: {}, ttlSeconds: 60 }),
      });
      await res.arrayBuffer();
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
    } catch (err) {
      byStatus.network_error = (byStatus.network_error ?? 0) + 1;
      options.onError(`command POST: ${(err as Error).message}`);
    }
  };
  let replaced = 0;
  const replaceFence = async (): Promise<void> => {
    const i = replaced++ % spots.length;
    const [dx, dy] = spots[i] as [number, number];
    const radius = replaced % 2 === 0 ? 250 : 320;
    try {
      const res = await fetch(`${httpUrl}/api/v1/fences/soak-${i}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(circle(`soak-${i}`, options.centre, dx, dy, radius, i === 0)),
      });
      if (res.status === 200) {
        fenceReplacements++;
        await res.arrayBuffer();
      } else await fenceError(`replacing fence soak-${i}`, res);
    } catch (err) {
      fenceErrors++;
      options.onError(`fence PUT: ${(err as Error).message}`);
    }
  };
  const commandTimer = options.commandsPerS > 0 ? setInterval(() => track(sendCommand()), 1000 / options.commandsPerS) : undefined;
  const fenceTimer = setInterval(() => track(replaceFence()), 60_000);
  return {
    figures: () => ({ commandsByStatus: { ...byStatus }, fencesCreated, fenceReplacements, fenceErrors }),
    async stop() {
      clearInterval(commandTimer);
      clearInterval(fenceTimer);
      await Promise.all([...inFlight]);
    },
  };
}
