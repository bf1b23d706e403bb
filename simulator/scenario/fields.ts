/**
 * Small readers for hand-validated input: each takes the value and its path in the document
 * ("incidents[2].duration") and throws SCENARIO_INVALID naming that path and the rule broken.
 */
import { V2xError } from '../../core/errors.js';

export type Obj = Readonly<Record<string, unknown>>;

export function bad(path: string, rule: string, value?: unknown): V2xError {
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return new V2xError('SCENARIO_INVALID', `${path}: ${rule}${got}`, { details: { field: path, rule } });
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (!isObj(v)) throw bad(path, 'must be an object', v);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) throw bad(path === '' ? key : `${path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
  return v;
}

export function num(v: unknown, path: string, rule: { min?: number; max?: number; integer?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(path, 'must be a number', v);
  if (rule.integer && !Number.isInteger(v)) throw bad(path, 'must be a whole number', v);
  if (rule.min !== undefined && v < rule.min) throw bad(path, `must be at least ${rule.min}`, v);
  if (rule.max !== undefined && v > rule.max) throw bad(path, `must be at most ${rule.max}`, v);
  return v;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw bad(path, 'must be a non-empty string', v);
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw bad(path, 'must be true or false', v);
  return v;
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw bad(path, `must be one of ${values.join(', ')}`, v);
  return v as T;
}

const UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600 };

/** Seconds from a number (seconds) or a string such as "90s", "15m", "1h", "1h30m". */
export function seconds(v: unknown, path: string, min = 0): number {
  if (typeof v === 'number') return num(v, path, { min });
  if (typeof v === 'string') {
    const parts = [...v.trim().matchAll(/(\d+(?:\.\d+)?)\s*(ms|min|s|m|h)/g)];
    const joined = parts.map((p) => p[0]).join('');
    if (parts.length > 0 && joined.replace(/\s/g, '') === v.replace(/\s/g, '')) {
      const total = parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number), 0);
      if (total < min) throw bad(path, `must be at least ${min} s`, v);
      return total;
    }
  }
  throw bad(path, 'must be seconds (a number) or a duration like "90s", "15m", "1h"', v);
}
