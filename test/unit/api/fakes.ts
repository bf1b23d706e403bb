/**
 * Every API plugin of the backend registered on one test HTTP app, each against a small fake of
 * its service (or a real in-memory VehicleStore) whose failures a test can switch on: the command
 * service not ready, Kafka refusing fence writes. Used by the tests that walk the whole API.
 */
import type { TestContext } from 'node:test';
import { V2xError } from '../../../core/errors.js';
import { completeVin, encode, type StatusOnline, type Telemetry } from '../../../protocol/index.js';
import { API_V1 } from '../../../backend/api/route.js';
import { plugin } from '../../../backend/http.js';
import { commandRoutes, type CommandApi } from '../../../backend/services/commands/routes.js';
import type { CreateRequest } from '../../../backend/services/commands/service.js';
import type { CommandSnapshot } from '../../../backend/services/commands/types.js';
import { geofenceRoutes, type GeofenceApi } from '../../../backend/services/geofencing/routes.js';
import type { Fence } from '../../../backend/services/geofencing/schema.js';
import { trafficRoutes, type TrafficView } from '../../../backend/services/traffic/routes.js';
import { dashboardRoutes } from '../../../backend/dashboard/routes.js';
import { vehicleRoutes } from '../../../backend/dashboard/vehicles/routes.js';
import { VehicleStore } from '../../../backend/dashboard/vehicles/store.js';
import { testHttp } from './http.js';

export const VIN = completeVin('1V2XT0S0XNA000001');
/** A well-formed VIN with a correct check digit that no fake knows. */
export const UNKNOWN_VIN = completeVin('1V2XT0S0XNA999999');

/** Commands by id; an idempotency key reused with another type is a CONFLICT, as in the service. */
export class FakeCommands implements CommandApi {
  ready = true;
  /** Every create the routes asked for, replays included. */
  readonly created: CreateRequest[] = [];
  readonly byId = new Map<string, CommandSnapshot>();
  isKnownVin(vin: string): boolean {
    return vin === VIN;
  }
  async create(req: CreateRequest): Promise<{ snapshot: CommandSnapshot; replay: boolean }> {
    this.created.push(req);
    const same = [...this.byId.values()].find((s) => req.idempotencyKey !== undefined && s.idempotencyKey === req.idempotencyKey);
    if (same !== undefined) {
      if (same.type !== req.type) throw new V2xError('CONFLICT', `idempotencyKey ${req.idempotencyKey} was used for ${same.type}`);
      return { snapshot: same, replay: true };
    }
    const snapshot: CommandSnapshot = {
      commandId: `cmd-${this.byId.size + 1}`,
      vin: req.vin,
      type: req.type,
      params: req.params,
      status: 'CREATED',
      createdAt: 1000,
      expiresAt: 1000 + req.ttlSeconds * 1000,
      updatedAt: 1000,
      principal: req.principal,
      fingerprint: 'f'.repeat(64),
      sendCount: 0,
      ...(req.idempotencyKey === undefined ? {} : { idempotencyKey: req.idempotencyKey }),
    };
    this.byId.set(snapshot.commandId, snapshot);
    return { snapshot, replay: false };
  }
  get(id: string): CommandSnapshot | undefined {
    return this.byId.get(id);
  }
  async settled(id: string): Promise<CommandSnapshot | undefined> {
    return this.byId.get(id);
  }
  list(vin: string): CommandSnapshot[] {
    return [...this.byId.values()].filter((s) => s.vin === vin);
  }
  async cancel(id: string, principal: string): Promise<CommandSnapshot> {
    const s = this.byId.get(id);
    if (s === undefined) throw new V2xError('COMMAND_NOT_FOUND', id);
    if (s.status !== 'CREATED') throw new V2xError('CONFLICT', `command ${id} is ${s.status}`);
    const canceled: CommandSnapshot = { ...s, status: 'CANCELED', message: `by ${principal}` };
    this.byId.set(id, canceled);
    return canceled;
  }
}

/** Fences in a map; with `kafkaDown` every write fails as the service's does when Kafka refuses it. */
export class FakeFences implements GeofenceApi {
  kafkaDown = false;
  readonly byId = new Map<string, Fence>();
  fence(id: string): Fence | undefined {
    return this.byId.get(id);
  }
  fences(): Fence[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
  async put(fence: Fence): Promise<Fence> {
    if (this.kafkaDown) throw new V2xError('KAFKA_PRODUCE_FAILED', 'geofences topic');
    this.byId.set(fence.id, fence);
    return fence;
  }
  async remove(id: string): Promise<void> {
    if (this.kafkaDown) throw new V2xError('KAFKA_PRODUCE_FAILED', 'geofences topic');
    this.byId.delete(id);
  }
  occupants(id: string): string[] {
    return id === 'school' ? [VIN] : [];
  }
}

export const traffic: TrafficView = {
  jams: () => ({
    jams: [{ id: 'jam-1', segments: ['s1', 's2'], lengthM: 420, growthMPerMin: 12.5, maxJamFactor: 8, startedMs: 1000, updatedMs: 2000 }],
    predicted: [{ segmentId: 's3', expectedMs: 3000, jamId: 'jam-1' }],
  }),
  segments: () => ({ atMs: 2000, segments: [['s1', 7.5]] }),
};

/** A fleet of one car, online, with one fix. */
export function fleet(): VehicleStore<Uint8Array> {
  const store = new VehicleStore<Uint8Array>({ ringSize: 5 });
  const status: StatusOnline = {
    vin: VIN,
    state: 'online',
    ts: 1000,
    connectedAt: 1000,
    firmware: '1.0',
    make: 'Volkswagen',
    model: 'ID.3',
    modelYear: 2022,
    powertrain: 'bev',
  };
  store.applyStatus(status, 1001);
  const fix: Telemetry = {
    vin: VIN,
    seq: 1,
    ts: 1100,
    gps: { lat: 48.1, lon: 11.5, heading: 90, speedKmh: 30 },
    odometerKm: 100,
    ignition: true,
    gear: 'D',
  };
  store.applyTelemetry(fix, encode('telemetry', fix), 1101);
  return store;
}

/** The whole API on one app (not listening), its fakes, and `call`. */
export function wholeApi(t: TestContext) {
  const commands = new FakeCommands();
  const fences = new FakeFences();
  const service = (): CommandApi => {
    if (!commands.ready) throw new V2xError('NOT_READY', 'commands: rebuilding from the command-status topic');
    return commands;
  };
  const http = testHttp(
    t,
    plugin(commandRoutes, { prefix: API_V1, service, defaultTtlSeconds: 60, maxTtlSeconds: 600 }),
    plugin(geofenceRoutes, { prefix: API_V1, service: fences }),
    plugin(trafficRoutes, { prefix: API_V1, view: traffic }),
    plugin(vehicleRoutes, { prefix: API_V1, store: fleet() }),
    plugin(dashboardRoutes, {
      prefix: API_V1,
      system: () => ({ t: 1000, msgPerS: 12.5, kafkaLag: 3, latencyP99Ms: 8, connectedCars: 1 }),
      network: () => JSON.stringify({ type: 'FeatureCollection', features: [] }),
    }),
  );
  return { ...http, commands, fences };
}
