/**
 * A deterministic fleet. Each car is derived from (fleet seed, car index) alone: its own Rng, and
 * @faker-js/faker re-seeded from that Rng for the owner's name, so a car is the same whichever
 * shard, process or order builds it. Faker runs on a private instance whose randomizer is the
 * project's sfc32 Rng (seeding faker's default Mersenne Twister costs ~100 us per car; this ~10 us).
 *
 * Faker comes from its German entry point (locales de, en, base), not its index: the index loads
 * every locale, 16 MB of heap (38 MB RSS) in each thread that generates cars, against 3 MB. Its
 * instance's merged definitions are the same as `locale: [de, en, base]`, so the names are too.
 */
import type { Faker, Randomizer } from '@faker-js/faker';
import { faker as germanFaker } from '@faker-js/faker/locale/de';
import { V2xError } from '../../core/errors.js';
import { Rng, type Seed } from '../../core/random.js';
import { choicesFor, type MakeModel, type VehicleSpecs } from './catalogue.js';
import { germanPlate } from './plate.js';
import { buildVin } from './vin.js';

export interface FleetOptions {
  readonly seed?: Seed;
  /** Share of battery-electric cars, 0..1 (default 0.3). */
  readonly evShare?: number;
  /** Share of cars with fleet tags, 0..1 (default 0.35). */
  readonly taggedShare?: number;
  /** Newest model year (default 2026). */
  readonly newestYear?: number;
  /** Oldest model year (default 2013). */
  readonly oldestYear?: number;
}

/** A car: its identity and owner, and its model line's specs (catalogue.ts VehicleSpecs). */
export interface CarSpec extends VehicleSpecs {
  readonly index: number;
  /** Seed of the car's own Rng (see carRng). */
  readonly seed: number;
  readonly vin: string;
  readonly make: string;
  readonly model: string;
  readonly modelYear: number;
  readonly plate: string;
  readonly owner: string;
  readonly firmware: string;
  readonly tags: readonly string[];
  /** Odometer when the simulation starts, km. */
  readonly initialOdometerKm: number;
  /** Cold tyre pressure the owner keeps, kPa. */
  readonly tyreKpa: number;
  /** The driver's preferred cabin temperature, degC (0.5 steps). */
  readonly comfortC: number;
}

export interface ResolvedFleetOptions {
  readonly seed: number;
  readonly evShare: number;
  readonly taggedShare: number;
  readonly newestYear: number;
  readonly oldestYear: number;
}

export function resolveFleetOptions(o: FleetOptions = {}): ResolvedFleetOptions {
  const r = {
    seed: new Rng(o.seed ?? 1).seed,
    evShare: o.evShare ?? 0.3,
    taggedShare: o.taggedShare ?? 0.35,
    newestYear: o.newestYear ?? 2026,
    oldestYear: o.oldestYear ?? 2013,
  };
  const bad = (field: string, why: string): never => {
    throw new V2xError('CONFIG_INVALID', `fleet.${field} ${why}`, { details: { field } });
  };
  if (!(r.evShare >= 0 && r.evShare <= 1)) bad('evShare', 'must be between 0 and 1');
  if (!(r.taggedShare >= 0 && r.taggedShare <= 1)) bad('taggedShare', 'must be between 0 and 1');
  if (!Number.isInteger(r.newestYear) || !Number.isInteger(r.oldestYear) || r.oldestYear > r.newestYear || r.oldestYear < 1980) {
    bad('oldestYear', 'and newestYear must be whole years, 1980 <= oldestYear <= newestYear');
  }
  return Object.freeze(r);
}

const NO_TAGS: readonly string[] = Object.freeze([]);
const TAGS = ['corporate', 'rental', 'car-sharing', 'taxi', 'delivery', 'pilot'] as const;

/** The car's own random stream (one per car; fork further for independent uses). */
export function carRng(car: Pick<CarSpec, 'seed'>): Rng {
  return new Rng(car.seed);
}

function pickWeighted(rng: Rng, items: readonly MakeModel[]): MakeModel {
  const total = items.reduce((s, x) => s + x.weight, 0);
  let r = rng.float() * total;
  for (const it of items) if ((r -= it.weight) < 0) return it;
  return items[items.length - 1] as MakeModel;
}

export class FleetGenerator {
  readonly options: ResolvedFleetOptions;
  readonly #faker: Faker;
  #fakerRng: Rng;
  readonly #ice = choicesFor('ice');
  readonly #bev = choicesFor('bev');
  readonly #serialOffset: number;

  constructor(options: FleetOptions = {}) {
    this.options = resolveFleetOptions(options);
    this.#fakerRng = new Rng(1);
    const randomizer: Randomizer = {
      next: () => this.#fakerRng.float(),
      seed: (s: number | number[]) => {
        this.#fakerRng = new Rng(Array.isArray(s) ? s.join(':') : s);
      },
    };
    const FakerClass = germanFaker.constructor as typeof Faker;
    this.#faker = new FakerClass({ locale: germanFaker.rawDefinitions, randomizer });
    this.#serialOffset = new Rng(this.options.seed).fork('serial').int(0, 999_999);
  }

  /** Car `index` of the fleet: a function of (seed, index) only. */
  car(index: number): CarSpec {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`car index must be a whole number >= 0 (got ${index})`);
    const o = this.options;
    const rng = new Rng(`${o.seed}:car:${index}`);
    const seed = rng.uint32();
    const electric = rng.chance(o.evShare);
    const { make, model } = pickWeighted(rng, electric ? this.#bev : this.#ice);
    const oldest = Math.max(o.oldestYear, model.since);
    const modelYear = oldest > o.newestYear ? o.newestYear : rng.int(oldest, o.newestYear);
    const vin = buildVin(make, model, modelYear, index, rng, this.#serialOffset);
    const plate = germanPlate(rng, electric && rng.chance(0.8));
    this.#faker.seed([o.seed, index]);
    const owner = `${this.#faker.person.firstName()} ${this.#faker.person.lastName()}`;
    const age = o.newestYear - modelYear;
    const yearlyKm = rng.normalClamped(13_000, 5_000, 3_000, 40_000);
    const initialOdometerKm = Math.round((age + rng.float()) * yearlyKm * 10) / 10;
    const major = Math.max(1, modelYear - 2015);
    const firmware = `${major}.${rng.int(0, 12)}.${rng.int(0, 40)}`;
    let tags = NO_TAGS;
    if (rng.chance(o.taggedShare)) {
      const tag = rng.pick(TAGS);
      tags = rng.chance(0.2) ? [tag, `depot-${rng.int(1, 9)}`] : [tag];
    }
    return {
      index,
      seed,
      vin,
      make: make.name,
      model: model.name,
      modelYear,
      plate,
      powertrain: model.powertrain,
      fuel: model.fuel,
      capacity: model.capacity,
      ratedPer100Km: model.ratedPer100Km,
      massKg: model.massKg + rng.int(70, 250),
      cdA: model.cdA,
      gears: model.gears,
      owner,
      firmware,
      tags,
      initialOdometerKm,
      tyreKpa: Math.round(rng.normalClamped(240, 8, 220, 270)),
      comfortC: Math.round(rng.normalClamped(21, 1, 18, 24) * 2) / 2,
    };
  }

  /** Cars [start, end). */
  cars(start: number, end: number): CarSpec[] {
    const out: CarSpec[] = [];
    for (let i = start; i < end; i++) out.push(this.car(i));
    return out;
  }
}

/** A whole fleet of `size` cars. */
export function generateFleet(size: number, options: FleetOptions = {}): CarSpec[] {
  return new FleetGenerator(options).cars(0, size);
}
