/**
 * Seeded generators of valid protocol messages, driven by the schemas themselves, for the
 * property-style codec tests. Scaled numbers are drawn on their grid (k / scale) so both codecs
 * must round-trip them exactly; `mode` 'min' / 'max' pins every number and length to a bound.
 */
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';
import { completeVin, VIN_ALPHABET } from '../../../protocol/vin.js';
import { messageSchemas, type MessageMap } from '../../../protocol/messages.js';
import type { MessageKind } from '../../../protocol/kinds.js';
import { Rng as SeededRng } from '../../../core/random.js';

export type Rng = () => number;

/** Seeded uniform [0, 1), from the project's generator (core/random.ts). */
export function prng(seed: number): Rng {
  const r = new SeededRng(seed);
  return () => r.float();
}

export type Mode = 'random' | 'min' | 'max';

const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;

export function randomVin(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 17; i++) s += pick(rng, [...VIN_ALPHABET]);
  return completeVin(s);
}

const TEXT = ['a', 'Z', '0', ' ', '-', 'é', 'ß', '€', '中', '\u{1F697}', '"', '\\', '\n'];

function text(rng: Rng, min: number, max: number, mode: Mode): string {
  const n = mode === 'min' ? min : mode === 'max' ? max : int(rng, min, Math.min(max, 40));
  let s = '';
  while (s.length < n) {
    const c = pick(rng, TEXT);
    s += s.length + c.length <= n ? c : 'x';
  }
  return s;
}

const patterned: Record<string, (rng: Rng, mode: Mode, max: number) => string> = {
  '^[A-Za-z0-9_.:-]+$': (rng, mode, max) => {
    const n = mode === 'max' ? max : mode === 'min' ? 1 : int(rng, 1, 24);
    let s = '';
    for (let i = 0; i < n; i++) s += pick(rng, [...'abcXYZ019_.:-']);
    return s;
  },
  '^[PCBU][0-3][0-9A-F]{3}$': (rng) =>
    pick(rng, [...'PCBU']) + int(rng, 0, 3) + [0, 1, 2].map(() => pick(rng, [...'0123456789ABCDEF'])).join(''),
  '^[a-z0-9][a-z0-9_.-]*$': (rng, mode, max) => {
    const n = mode === 'max' ? max : mode === 'min' ? 1 : int(rng, 1, 20);
    let s = pick(rng, [...'abc09']);
    for (let i = 1; i < n; i++) s += pick(rng, [...'abz09_.-']);
    return s;
  },
};

function number(rng: Rng, schema: TSchema, mode: Mode): number {
  const wire = schema.wire as { scale: number } | undefined;
  const step = typeof schema.multipleOf === 'number' ? schema.multipleOf : 1 / (wire?.scale ?? 1);
  const scale = 1 / step;
  const min = (schema.minimum as number | undefined) ?? -1e6;
  const max = (schema.maximum as number | undefined) ?? 1e6;
  const lo = Math.ceil(min * scale);
  const hi = Math.floor(max * scale);
  const k = mode === 'min' ? lo : mode === 'max' ? hi : int(rng, lo, hi);
  return k / scale + 0; // + 0 turns -0 into 0
}

export function generate(schema: TSchema, rng: Rng, mode: Mode = 'random', optionals: 'random' | 'all' | 'none' = 'random'): unknown {
  switch (schema[Kind]) {
    case 'Object': {
      const o: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(schema.properties as Record<string, TSchema>)) {
        if (sub[OptionalKind] === 'Optional' && (optionals === 'none' || (optionals === 'random' && rng() < 0.4))) continue;
        o[key] = generate(sub, rng, mode, optionals);
      }
      return o;
    }
    case 'Union':
      return generate(pick(rng, schema.anyOf as TSchema[]), rng, mode, optionals);
    case 'Literal':
      return schema.const;
    case 'Boolean':
      return mode === 'min' ? false : mode === 'max' ? true : rng() < 0.5;
    case 'Integer': {
      const lo = (schema.minimum as number | undefined) ?? 0;
      const hi = (schema.maximum as number | undefined) ?? 1e9;
      if (mode === 'min') return lo;
      if (mode === 'max') return hi;
      // mostly realistic magnitudes, sometimes anywhere in range
      return rng() < 0.5 ? int(rng, lo, Math.min(hi, lo + 2 ** 42)) : lo + Math.floor(rng() * (hi - lo));
    }
    case 'Number':
      return number(rng, schema, mode);
    case 'String': {
      if (schema.format === 'vin') return randomVin(rng);
      const max = (schema.maxLength as number | undefined) ?? 64;
      const min = (schema.minLength as number | undefined) ?? 0;
      const pattern = schema.pattern as string | undefined;
      if (pattern !== undefined) {
        const g = patterned[pattern];
        if (g === undefined) throw new Error(`no generator for pattern ${pattern}`);
        return g(rng, mode, max);
      }
      return text(rng, min, max, mode);
    }
    default:
      throw new Error(`no generator for ${String(schema[Kind])}`);
  }
}

/** A valid message of `kind` (cross-field rules fixed up after generation). */
export function generateMessage<K extends MessageKind>(
  kind: K,
  rng: Rng,
  mode: Mode = 'random',
  optionals: 'random' | 'all' | 'none' = 'random',
): MessageMap[K] {
  const m = generate(messageSchemas[kind], rng, mode, optionals) as Record<string, unknown>;
  const { issuedAt, expiresAt } = m;
  if (typeof issuedAt === 'number' && typeof expiresAt === 'number' && !(expiresAt > issuedAt)) {
    const at = Math.min(issuedAt, Number.MAX_SAFE_INTEGER - 1);
    m.issuedAt = at;
    m.expiresAt = at + 1;
  }
  if ((m.status === 'failed' || m.status === 'rejected') && m.reason === undefined) m.reason = 'busy';
  return m as MessageMap[K];
}
