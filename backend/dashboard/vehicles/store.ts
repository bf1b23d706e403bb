/**
 * The fleet state the dashboard serves: per VIN the car's identity (from its `online` status), its
 * connectivity, its latest telemetry and a ring of its recent telemetry samples. Pure: records go
 * in with the time the backend saw them; nothing here reads a clock or does I/O. The ring holds
 * whatever sample type the shell picks (the raw payload bytes, decoded on request, keep it small).
 *
 * Statuses apply in the order they come (Kafka keeps a car's records in order), except a last will
 * of an earlier session.
 */
import type { Status, Telemetry } from '../../../protocol/index.js';
import { Ring } from './ring.js';
import { matches, type VehicleFilter } from './filter.js';
import type { VehicleSummary } from './summary.js';

export type { VehicleSummary } from './summary.js';

interface Entry<S> {
  readonly vin: string;
  make: string;
  model: string;
  modelYear: number;
  powertrain: string;
  plate: string | undefined;
  online: boolean;
  connectedAt: number;
  lastSeen: number;
  telemetry: Telemetry | undefined;
  readonly ring: Ring<S>;
}

export interface PositionRow {
  readonly vin: string;
  readonly telemetry: Telemetry;
}

export class VehicleStore<S> {
  readonly #cars = new Map<string, Entry<S>>();
  readonly #ringSize: number;
  #online = 0;
  /** VINs sorted, for stable paging; rebuilt when a car is added. */
  #sorted: string[] | undefined;

  constructor(options: { readonly ringSize: number }) {
    this.#ringSize = options.ringSize;
  }

  get size(): number {
    return this.#cars.size;
  }

  get onlineCount(): number {
    return this.#online;
  }

  #entry(vin: string): Entry<S> {
    let e = this.#cars.get(vin);
    if (e === undefined) {
      e = {
        vin,
        make: '',
        model: '',
        modelYear: 0,
        powertrain: 'unknown',
        plate: undefined,
        online: false,
        connectedAt: -1,
        lastSeen: 0,
        telemetry: undefined,
        ring: new Ring<S>(this.#ringSize),
      };
      this.#cars.set(vin, e);
      this.#sorted = undefined;
    }
    return e;
  }

  /** A status message seen at `seenAt`. Returns whether it changed the car's connectivity. */
  applyStatus(s: Status, seenAt: number): boolean {
    const e = this.#entry(s.vin);
    e.lastSeen = Math.max(e.lastSeen, seenAt);
    if (s.state === 'online') {
      e.make = s.make;
      e.model = s.model;
      e.modelYear = s.modelYear;
      e.powertrain = s.powertrain;
      if (s.plate !== undefined) e.plate = s.plate;
    }
    // Kafka keeps one car's records in order, so the last one wins; but a last will carries its
    // session's connect time and may fire after the car reconnected (a session takeover): it ends
    // the session it was written for, not a later one.
    if (s.state === 'offline' && s.reason === 'connection_lost' && s.ts < e.connectedAt) return false;
    if (s.state === 'online') e.connectedAt = s.connectedAt;
    const online = s.state === 'online';
    if (online === e.online) return false;
    e.online = online;
    this.#online += online ? 1 : -1;
    return true;
  }

  /** A telemetry message seen at `seenAt`, with the sample the ring keeps for it. */
  applyTelemetry(t: Telemetry, sample: S, seenAt: number): void {
    const e = this.#entry(t.vin);
    e.lastSeen = Math.max(e.lastSeen, seenAt);
    e.ring.push(sample);
    if (e.telemetry === undefined || t.ts >= e.telemetry.ts) e.telemetry = t;
  }

  has(vin: string): boolean {
    return this.#cars.has(vin);
  }

  summary(vin: string): VehicleSummary | undefined {
    const e = this.#cars.get(vin);
    return e === undefined ? undefined : summaryOf(e);
  }

  latest(vin: string): Telemetry | undefined {
    return this.#cars.get(vin)?.telemetry;
  }

  /** The newest `limit` samples of a car, oldest first; undefined for an unknown VIN. */
  samples(vin: string, limit: number): S[] | undefined {
    return this.#cars.get(vin)?.ring.last(limit);
  }

  /** Cars matching the filter, by VIN, one page of them and how many matched. */
  list(filter: VehicleFilter, limit: number, offset: number): { items: VehicleSummary[]; total: number } {
    this.#sorted ??= [...this.#cars.keys()].sort();
    const items: VehicleSummary[] = [];
    let total = 0;
    for (const vin of this.#sorted) {
      const e = this.#cars.get(vin) as Entry<S>;
      if (!matches(filter, e)) continue;
      if (total >= offset && items.length < limit) items.push(summaryOf(e));
      total++;
    }
    return { items, total };
  }

  /** Every online car with a position (what the map shows). */
  *positions(): IterableIterator<PositionRow> {
    for (const e of this.#cars.values()) if (e.online && e.telemetry !== undefined) yield { vin: e.vin, telemetry: e.telemetry };
  }
}

function summaryOf(e: Entry<unknown>): VehicleSummary {
  const t = e.telemetry;
  return {
    vin: e.vin,
    make: e.make,
    model: e.model,
    modelYear: e.modelYear,
    powertrain: e.powertrain,
    ...(e.plate === undefined ? {} : { plate: e.plate }),
    online: e.online,
    lastSeen: e.lastSeen,
    ...(t === undefined ? {} : { lat: t.gps.lat, lon: t.gps.lon, speedKmh: t.gps.speedKmh, headingDeg: t.gps.heading }),
  };
}
