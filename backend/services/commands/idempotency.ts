/**
 * Idempotent creation: a request's fingerprint is the sha256 of its canonical body (vin, type,
 * params, ttlSeconds). The same idempotencyKey with the same fingerprint returns the command made
 * first; with another fingerprint it is a conflict (409). Keys are scoped per principal.
 */
import { createHash } from 'node:crypto';

export interface RequestBody {
  readonly vin: string;
  readonly type: string;
  readonly params: unknown;
  readonly ttlSeconds: number;
}

export function fingerprint(body: RequestBody): string {
  return createHash('sha256')
    .update(canonical({ vin: body.vin, type: body.type, params: body.params ?? {}, ttlSeconds: body.ttlSeconds }))
    .digest('hex');
}

/** JSON with object keys sorted, so key order in the client's body does not matter. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function idempotencyIndexKey(principal: string, key: string): string {
  return `${principal}\u0000${key}`;
}

export type IdempotencyDecision =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly commandId: string }
  | { readonly kind: 'conflict'; readonly commandId: string };

export function decideIdempotency(
  existing: { readonly commandId: string; readonly fingerprint: string } | undefined,
  fp: string,
): IdempotencyDecision {
  if (existing === undefined) return { kind: 'new' };
  return existing.fingerprint === fp
    ? { kind: 'replay', commandId: existing.commandId }
    : { kind: 'conflict', commandId: existing.commandId };
}
