/**
 * A parsed trace: every fix of every vehicle in compact typed columns (32 bytes a fix, so a trace of
 * a few hundred MB of CSV fits in memory), grouped per vehicle and sorted by time. Parsers feed a
 * TraceBuilder in file order; `finish()` groups by vehicle (a counting sort, O(n)), sorts a vehicle's
 * fixes by time only when the file had them out of order (stable: file order breaks ties), drops
 * exact duplicates and, where two fixes share a timestamp with different values, keeps the later
 * line. Each is counted per vehicle and summed in `stats`.
 */

export interface TraceVehicle {
  /** The VIN the car will use (the id itself, or one generated from it: see vin-map.ts). */
  readonly vin: string;
  /** The vehicle id as written in the file. */
  readonly sourceId: string;
  /** This vehicle's fixes are `start` (inclusive) to `end` (exclusive) in the Trace columns. */
  readonly start: number;
  readonly end: number;
  /** Fixes whose time was earlier than the vehicle's previous fix in the file. */
  readonly outOfOrder: number;
  /** Exact duplicates (same time and values) dropped. */
  readonly duplicates: number;
  /** Fixes dropped because a later line gave the same time with other values. */
  readonly conflicts: number;
}

export interface TraceStats {
  /** Data records read (CSV rows, FCD vehicle elements), before dropping duplicates. */
  readonly records: number;
  /** Fixes kept. */
  readonly fixes: number;
  readonly outOfOrder: number;
  readonly duplicates: number;
  readonly conflicts: number;
  /** Vehicle ids that were not valid VINs and were given generated ones. */
  readonly mappedIds: number;
}

export interface Trace {
  /** The file (or name) it was read from, as given. */
  readonly source: string;
  readonly format: 'csv' | 'fcd';
  readonly vehicles: readonly TraceVehicle[];
  /** Epoch milliseconds. */
  readonly timeMs: Float64Array;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly speedMps: Float32Array;
  /** Degrees clockwise from north, [0, 360). */
  readonly headingDeg: Float32Array;
  readonly stats: TraceStats;
  /** One line per vehicle with out-of-order, duplicate or conflicting timestamps. */
  readonly warnings: readonly string[];
}

interface VehicleDraft {
  readonly vin: string;
  readonly sourceId: string;
  count: number;
  lastMs: number;
  outOfOrder: number;
}

const INITIAL = 1024;

export class TraceBuilder {
  readonly #source: string;
  readonly #format: 'csv' | 'fcd';
  #n = 0;
  #veh = new Uint32Array(INITIAL);
  #t = new Float64Array(INITIAL);
  #lat = new Float64Array(INITIAL);
  #lon = new Float64Array(INITIAL);
  #speed = new Float32Array(INITIAL);
  #heading = new Float32Array(INITIAL);
  readonly #vehicles: VehicleDraft[] = [];
  readonly #byId = new Map<string, number>();
  #mappedIds = 0;

  constructor(source: string, format: 'csv' | 'fcd') {
    this.#source = source;
    this.#format = format;
  }

  get size(): number {
    return this.#n;
  }

  /** The vehicle index of a source id, or undefined when not seen yet. */
  vehicleOf(sourceId: string): number | undefined {
    return this.#byId.get(sourceId);
  }

  /** Registers a vehicle; `mapped` when its VIN was generated from the id. */
  addVehicle(sourceId: string, vin: string, mapped: boolean): number {
    const index = this.#vehicles.length;
    this.#vehicles.push({ vin, sourceId, count: 0, lastMs: -Infinity, outOfOrder: 0 });
    this.#byId.set(sourceId, index);
    if (mapped) this.#mappedIds++;
    return index;
  }

  add(vehicle: number, timeMs: number, lat: number, lon: number, speedMps: number, headingDeg: number): void {
    const v = this.#vehicles[vehicle];
    if (v === undefined) throw new RangeError(`no vehicle ${vehicle}`);
    if (this.#n === this.#t.length) this.#grow();
    const i = this.#n++;
    this.#veh[i] = vehicle;
    this.#t[i] = timeMs;
    this.#lat[i] = lat;
    this.#lon[i] = lon;
    this.#speed[i] = speedMps;
    this.#heading[i] = headingDeg;
    if (timeMs < v.lastMs) v.outOfOrder++;
    else v.lastMs = timeMs;
    v.count++;
  }

  finish(): Trace {
    const n = this.#n;
    const drafts = this.#vehicles;
    // counting sort by vehicle, keeping file order within a vehicle
    const starts = new Uint32Array(drafts.length + 1);
    for (let k = 0; k < drafts.length; k++) starts[k + 1] = (starts[k] as number) + (drafts[k] as VehicleDraft).count;
    const fill = starts.slice(0, drafts.length);
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const v = this.#veh[i] as number;
      order[fill[v] as number] = i;
      fill[v] = (fill[v] as number) + 1;
    }
    const timeMs = new Float64Array(n);
    const lat = new Float64Array(n);
    const lon = new Float64Array(n);
    const speedMps = new Float32Array(n);
    const headingDeg = new Float32Array(n);
    const vehicles: TraceVehicle[] = [];
    const warnings: string[] = [];
    let out = 0;
    let duplicates = 0;
    let conflicts = 0;
    let outOfOrder = 0;
    for (let k = 0; k < drafts.length; k++) {
      const d = drafts[k] as VehicleDraft;
      const from = starts[k] as number;
      const to = starts[k + 1] as number;
      let idx: ArrayLike<number> = order.subarray(from, to);
      if (d.outOfOrder > 0) {
        const t = this.#t;
        // Array.prototype.sort is stable: equal times keep file order
        idx = Array.from(idx).sort((a, b) => (t[a] as number) - (t[b] as number));
      }
      const start = out;
      let dup = 0;
      let conflict = 0;
      for (let j = 0; j < idx.length; j++) {
        const i = idx[j] as number;
        const t = this.#t[i] as number;
        if (out > start && timeMs[out - 1] === t) {
          const same =
            lat[out - 1] === this.#lat[i] &&
            lon[out - 1] === this.#lon[i] &&
            speedMps[out - 1] === this.#speed[i] &&
            headingDeg[out - 1] === this.#heading[i];
          if (same) dup++;
          else conflict++;
          out--; // the later line replaces the earlier
        }
        timeMs[out] = t;
        lat[out] = this.#lat[i] as number;
        lon[out] = this.#lon[i] as number;
        speedMps[out] = this.#speed[i] as number;
        headingDeg[out] = this.#heading[i] as number;
        out++;
      }
      vehicles.push({ vin: d.vin, sourceId: d.sourceId, start, end: out, outOfOrder: d.outOfOrder, duplicates: dup, conflicts: conflict });
      duplicates += dup;
      conflicts += conflict;
      outOfOrder += d.outOfOrder;
      if (d.outOfOrder + dup + conflict > 0) {
        const parts: string[] = [];
        if (d.outOfOrder > 0) parts.push(`${d.outOfOrder} out of order (sorted)`);
        if (dup > 0) parts.push(`${dup} exact duplicate${dup === 1 ? '' : 's'} dropped`);
        if (conflict > 0) parts.push(`${conflict} repeated timestamp${conflict === 1 ? '' : 's'} with other values (the later line kept)`);
        warnings.push(`${this.#source}: vehicle ${d.sourceId}: ${parts.join(', ')}`);
      }
    }
    const fit = <T extends Float64Array | Float32Array>(a: T): T => (out === n ? a : (a.slice(0, out) as T));
    return {
      source: this.#source,
      format: this.#format,
      vehicles,
      timeMs: fit(timeMs),
      lat: fit(lat),
      lon: fit(lon),
      speedMps: fit(speedMps),
      headingDeg: fit(headingDeg),
      stats: { records: n, fixes: out, outOfOrder, duplicates, conflicts, mappedIds: this.#mappedIds },
      warnings,
    };
  }

  #grow(): void {
    const cap = this.#t.length * 2;
    const grow = <T extends Float64Array | Float32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#veh = grow(this.#veh, (c) => new Uint32Array(c));
    this.#t = grow(this.#t, (c) => new Float64Array(c));
    this.#lat = grow(this.#lat, (c) => new Float64Array(c));
    this.#lon = grow(this.#lon, (c) => new Float64Array(c));
    this.#speed = grow(this.#speed, (c) => new Float32Array(c));
    this.#heading = grow(this.#heading, (c) => new Float32Array(c));
  }
}

/**
 * The vehicles [from, to) of a trace as a trace of their own (vehicle 0 = `from`), their fixes
 * copied: what one simulator unit needs of a large trace. Stats and warnings stay the whole trace's.
 */
export function sliceTrace(trace: Trace, from: number, to: number): Trace {
  const vs = trace.vehicles.slice(from, to);
  const a = vs[0]?.start ?? 0;
  const b = vs[vs.length - 1]?.end ?? a;
  return {
    ...trace,
    vehicles: vs.map((v) => ({ ...v, start: v.start - a, end: v.end - a })),
    timeMs: trace.timeMs.slice(a, b),
    lat: trace.lat.slice(a, b),
    lon: trace.lon.slice(a, b),
    speedMps: trace.speedMps.slice(a, b),
    headingDeg: trace.headingDeg.slice(a, b),
  };
}
