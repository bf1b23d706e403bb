/**
 * Helpers for the geofencing integration tests: positions in local metres around a centre, a
 * simulated car (a real MQTT client through the embedded broker) that drives a scripted track, and
 * a small REST client.
 */
import type { MqttClient } from 'mqtt';
import { commandRequestTopic, decodeCommandRequest, encode, telemetryTopic } from '../../../protocol/index.js';
import { announceOnline, connectCar } from '../../helpers/backend.js';

type After = { after(fn: () => unknown): void };

export const VIEWER = 'demo-viewer-token';
export const OPERATOR = 'demo-operator-token';
export const ADMIN = 'demo-admin-token';

const LAT0 = 48.137;
const LON0 = 11.575;
const M_LAT = 111_195;
const M_LON = M_LAT * Math.cos((LAT0 * Math.PI) / 180);

/** [lon, lat] of a point x metres east and y metres north of the test centre. */
export function at(x: number, y: number): [number, number] {
  return [Number((LON0 + x / M_LON).toFixed(7)), Number((LAT0 + y / M_LAT).toFixed(7))];
}

/** x metres east and y north as [lon, lat] corners: an axis-aligned square ring of half side h around (x, y). */
export function square(x: number, y: number, h: number): [number, number][] {
  return [at(x - h, y - h), at(x + h, y - h), at(x + h, y + h), at(x - h, y + h), at(x - h, y - h)];
}

export interface TestCar {
  readonly client: MqttClient;
  /** Command requests received on cmd/req: type and params. */
  readonly commands: { commandId: string; type: string; params: unknown }[];
  /** Publishes one fix per point (QoS 1, in order), car time t0 + i * 1 s. */
  drive(points: readonly (readonly [number, number])[]): Promise<void>;
}

/** Connects a car, announces it online (so commands reach it) and records the commands it gets. */
export async function testCar(t: After, url: string, vin: string, fleetKey: string): Promise<TestCar> {
  const client = await connectCar(t, url, vin, fleetKey);
  const commands: TestCar['commands'] = [];
  client.on('message', (topic, payload) => {
    if (topic !== commandRequestTopic(vin)) return;
    const req = decodeCommandRequest(payload);
    commands.push({ commandId: req.commandId, type: req.type, params: req.params });
  });
  await client.subscribeAsync(commandRequestTopic(vin), { qos: 1 });
  const now = Date.now();
  await announceOnline(client, vin, {}, now);
  let seq = 0;
  let ts = now;
  return {
    client,
    commands,
    async drive(points) {
      for (const [x, y] of points) {
        const [lon, lat] = at(x, y);
        ts += 1000;
        const fix = encode('telemetry', {
          vin,
          seq: seq++,
          ts,
          gps: { lat, lon, heading: 90, speedKmh: 50 },
          odometerKm: 1000,
          ignition: true,
          gear: 'D',
        });
        await client.publishAsync(telemetryTopic(vin), fix, { qos: 1 });
      }
    },
  };
}

/**
 * The commands a car got, each once: these cars never report results, so the command service sends a
 * SENT command again on its resend timer (commands.resendAfterMs) with the same commandId, which a
 * real car drops as a repeat.
 */
export function distinctCommands(car: TestCar): TestCar['commands'] {
  const seen = new Set<string>();
  return car.commands.filter((c) => {
    if (seen.has(c.commandId)) return false;
    seen.add(c.commandId);
    return true;
  });
}

/** x from `from` to `to` (inclusive) in steps of `step`, at height y. */
export function line(from: number, to: number, step: number, y: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = from; step > 0 ? x <= to : x >= to; x += step) out.push([x, y]);
  return out;
}

export { apiClient, type ApiResponse } from '../../helpers/api.js';
