/**
 * Vehicle Identification Numbers (ISO 3779; check digit at position 9 as in 49 CFR 565, the North
 * American rule). This fleet requires a correct check digit: the simulator's fleet generator makes
 * VINs with `completeVin`, the broker's auth and the topic parser check them with `vinProblem`.
 */

export const VIN_LENGTH = 17;
/** Letters and digits allowed in a VIN: I, O and Q are excluded (confused with 1 and 0). */
export const VIN_ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';
/** Syntax only (length and alphabet), no check digit. */
export const VIN_PATTERN = '^[0-9A-HJ-NPR-Z]{17}$';

const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** Transliteration value of each allowed character, indexed by char code (-1 = not allowed). */
const VALUES: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  const letters: Record<string, number> = {
    A: 1,
    B: 2,
    C: 3,
    D: 4,
    E: 5,
    F: 6,
    G: 7,
    H: 8,
    J: 1,
    K: 2,
    L: 3,
    M: 4,
    N: 5,
    P: 7,
    R: 9,
    S: 2,
    T: 3,
    U: 4,
    V: 5,
    W: 6,
    X: 7,
    Y: 8,
    Z: 9,
  };
  for (let d = 0; d <= 9; d++) t[48 + d] = d;
  for (const [c, v] of Object.entries(letters)) t[c.charCodeAt(0)] = v;
  return t;
})();

function valueAt(vin: string, i: number): number {
  const code = vin.charCodeAt(i);
  return code < 128 ? (VALUES[code] ?? -1) : -1;
}

/**
 * The check digit ('0'-'9' or 'X') of a 17-character VIN, ignoring what position 9 holds.
 * Throws a RangeError when the length or a character is not allowed; see `vinProblem`.
 */
export function computeCheckDigit(vin: string): string {
  const problem = syntaxProblem(vin);
  if (problem !== undefined) throw new RangeError(problem);
  let sum = 0;
  for (let i = 0; i < VIN_LENGTH; i++) sum += valueAt(vin, i) * (WEIGHTS[i] ?? 0);
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

function syntaxProblem(vin: string): string | undefined {
  if (typeof vin !== 'string') return 'must be a string';
  if (vin.length !== VIN_LENGTH) return `must be 17 characters (got ${vin.length})`;
  for (let i = 0; i < VIN_LENGTH; i++) {
    if (valueAt(vin, i) < 0) {
      const c = vin[i] ?? '';
      const why = 'IOQ'.includes(c) ? 'I, O and Q are not allowed' : 'only digits and capital letters are allowed';
      return `character ${i + 1} '${c}' is not allowed (${why})`;
    }
  }
  return undefined;
}

/** Why `vin` is not a valid VIN, or undefined when it is (17 chars, alphabet, check digit). */
export function vinProblem(vin: string): string | undefined {
  const problem = syntaxProblem(vin);
  if (problem !== undefined) return problem;
  const expected = computeCheckDigit(vin);
  const got = vin[8];
  return got === expected ? undefined : `check digit (position 9) is '${got}', expected '${expected}'`;
}

/** Fast path (one pass, no allocation): the broker and the validators call it per message. */
export function isValidVin(vin: string): boolean {
  if (typeof vin !== 'string' || vin.length !== VIN_LENGTH) return false;
  let sum = 0;
  for (let i = 0; i < VIN_LENGTH; i++) {
    const v = valueAt(vin, i);
    if (v < 0) return false;
    sum += v * (WEIGHTS[i] ?? 0);
  }
  const r = sum % 11;
  return vin.charCodeAt(8) === (r === 10 ? 88 /* X */ : 48 + r);
}

/** Puts the correct check digit at position 9 of a 17-character VIN (whatever is there now). */
export function completeVin(vin: string): string {
  const digit = computeCheckDigit(vin);
  return vin.slice(0, 8) + digit + vin.slice(9);
}
