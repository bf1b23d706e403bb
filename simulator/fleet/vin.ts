/**
 * VINs for generated cars: WMI (make), VDS (model line + two body/engine characters), the check
 * digit, the model-year code, the plant and a six-digit serial. The serial is a bijection of the
 * car index (below one million cars), so two cars of one fleet never share a VIN.
 */
import { VIN_ALPHABET, completeVin } from '../../protocol/vin.js';
import type { Rng } from '../../core/random.js';
import type { MakeSpec, ModelSpec } from './catalogue.js';

/** VIN position 10: the 30-year cycle of model-year codes (I, O, Q, U, Z and 0 are not used). */
const YEAR_CODES = 'ABCDEFGHJKLMNPRSTVWXY123456789';

/** The model-year character for a year (1980 and 2010 are both 'A'). */
export function modelYearCode(year: number): string {
  const i = (((year - 1980) % 30) + 30) % 30;
  return YEAR_CODES[i] as string;
}

const SERIAL_SPACE = 1_000_000;
/** Odd, not a multiple of 5: coprime with 10^6, so index -> serial is a bijection mod 10^6. */
const SERIAL_STRIDE = 7_919;

export function buildVin(make: MakeSpec, model: ModelSpec, year: number, index: number, rng: Rng, serialOffset: number): string {
  const body = (VIN_ALPHABET[rng.int(0, VIN_ALPHABET.length - 1)] as string) + (VIN_ALPHABET[rng.int(0, 9)] as string);
  const plant = make.plants[rng.int(0, make.plants.length - 1)] as string;
  const serial = ((index % SERIAL_SPACE) * SERIAL_STRIDE + serialOffset) % SERIAL_SPACE;
  const draft = `${make.wmi}${model.vds}${body}0${modelYearCode(year)}${plant}${String(serial).padStart(6, '0')}`;
  return completeVin(draft);
}
