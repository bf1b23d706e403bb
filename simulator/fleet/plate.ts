/**
 * German-style number plates: district code, one or two letters, one to four digits, and the
 * trailing E that electric cars may carry ("M-AB 1234", "FS-K 77E"). Munich's M dominates; the
 * districts around it make up the rest.
 */
import type { Rng } from '../../core/random.js';

const DISTRICTS: readonly (readonly [string, number])[] = [
  ['M', 60],
  ['FS', 5],
  ['DAH', 5],
  ['ED', 4],
  ['EBE', 4],
  ['STA', 4],
  ['FFB', 4],
  ['RO', 3],
  ['A', 3],
  ['IN', 3],
  ['LL', 2],
  ['TÖL', 2],
  ['MB', 1],
];
const TOTAL = DISTRICTS.reduce((s, d) => s + d[1], 0);
/** Letters used in the middle group (no umlauts; I, O and Q are rare on plates, left out). */
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

export function germanPlate(rng: Rng, electric: boolean): string {
  let r = rng.float() * TOTAL;
  let district = 'M';
  for (const [code, w] of DISTRICTS) {
    if ((r -= w) < 0) {
      district = code;
      break;
    }
  }
  const nLetters = rng.chance(0.7) ? 2 : 1;
  let letters = '';
  for (let i = 0; i < nLetters; i++) letters += LETTERS[rng.int(0, LETTERS.length - 1)] as string;
  // the whole plate is at most 8 characters (without separators) in Germany
  const maxDigits = Math.min(4, 8 - district.length - nLetters - (electric ? 1 : 0));
  const digits = rng.int(1, 10 ** rng.int(1, maxDigits) - 1);
  return `${district}-${letters} ${digits}${electric ? 'E' : ''}`;
}
