/**
 * Vehicle ids to VINs. Traces from a fleet carry VINs; SUMO ids (`veh0`, `flow1.3`) and most
 * logger ids do not, yet every simulated car connects and publishes under a valid VIN. With
 * `vehicleIds: 'map'` an id that is not a valid VIN gets one generated from it: 'V2R' (replay), then
 * 13 characters from a 64-bit hash of the id's UTF-8 bytes (FNV-1a, then a bijective mix), with the check digit at
 * position 9. The same id gives the same VIN in every run and on every machine; two ids of one trace
 * never share one (on the rare hash collision the later id is hashed again with a counter).
 */
import { VIN_ALPHABET, completeVin, vinProblem } from '../../protocol/vin.js';

/** 'vin': ids must be valid VINs (the CSV default); 'map': others get generated VINs (the FCD default). */
export type VehicleIdMode = 'vin' | 'map';

export const GENERATED_VIN_PREFIX = 'V2R';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;
const BASE = BigInt(VIN_ALPHABET.length);
const encoder = new TextEncoder();

function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of encoder.encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK64;
  }
  // splitmix64's finaliser (a bijection): spreads a one-character change over every digit
  h = ((h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  h = ((h ^ (h >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return h ^ (h >> 31n);
}

/** The VIN generated for a vehicle id (`salt` > 0 only to step past a collision). */
export function vinForId(id: string, salt = 0): string {
  let h = fnv1a64(salt === 0 ? id : `${id}\u0000${salt}`);
  // 33^13 > 2^64: thirteen base-33 digits hold the whole hash, so distinct hashes give distinct VINs
  let chars = '';
  for (let i = 0; i < 13; i++) {
    chars += VIN_ALPHABET[Number(h % BASE)] as string;
    h /= BASE;
  }
  return completeVin(`${GENERATED_VIN_PREFIX}${chars.slice(0, 5)}0${chars.slice(5)}`);
}

export type VinResolution = { readonly vin: string; readonly mapped: boolean } | { readonly problem: string };

/** Resolves the ids of one trace to distinct VINs. */
export class VinResolver {
  readonly #mode: VehicleIdMode;
  /** VIN -> the id that holds it. */
  readonly #taken = new Map<string, string>();

  constructor(mode: VehicleIdMode) {
    this.#mode = mode;
  }

  resolve(id: string): VinResolution {
    const problem = vinProblem(id);
    if (problem === undefined) {
      const holder = this.#taken.get(id);
      if (holder !== undefined && holder !== id) return { problem: `VIN ${id} was already generated for vehicle id '${holder}'` };
      this.#taken.set(id, id);
      return { vin: id, mapped: false };
    }
    if (this.#mode === 'vin') {
      return { problem: `vehicle id '${id}' is not a valid VIN: ${problem} (use vehicleIds 'map' to generate VINs from ids)` };
    }
    for (let salt = 0; ; salt++) {
      const vin = vinForId(id, salt);
      if (!this.#taken.has(vin)) {
        this.#taken.set(vin, id);
        return { vin, mapped: true };
      }
    }
  }
}
