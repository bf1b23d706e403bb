/**
 * Who may connect. Each car's MQTT username is its VIN and its password a secret derived from the
 * VIN with a server-side fleet key (HMAC-SHA256), so the fleet definition provisions every car
 * without a credential table; backend service accounts are listed separately in the config.
 * Pure functions: the broker hooks (hooks.ts) call them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { vinProblem } from './vin.js';
import type { AclClient } from './acl.js';

export interface ServiceAccount {
  readonly username: string;
  readonly password: string;
}

export interface CredentialPolicy {
  /** The fleet key cars' passwords are derived from. */
  readonly fleetKey: string;
  readonly services: readonly ServiceAccount[];
}

/** The password of car `vin` under `fleetKey`: 22 base64url characters (132 bits). */
export function carPassword(fleetKey: string, vin: string): string {
  return createHmac('sha256', fleetKey).update(vin).digest('base64url').slice(0, 22);
}

export type AuthResult =
  { readonly ok: true; readonly client: AclClient; readonly name: string } | { readonly ok: false; readonly reason: string };

export function authenticate(policy: CredentialPolicy, username: string | undefined, password: Buffer | string | undefined): AuthResult {
  if (username === undefined || username === '') return { ok: false, reason: 'no username' };
  const given = password === undefined ? '' : password.toString();
  const service = policy.services.find((s) => s.username === username);
  if (service !== undefined) {
    return same(given, service.password)
      ? { ok: true, client: { role: 'backend' }, name: username }
      : { ok: false, reason: `bad password for service ${username}` };
  }
  const problem = vinProblem(username);
  if (problem !== undefined) return { ok: false, reason: `username is neither a service account nor a valid VIN (${problem})` };
  return same(given, carPassword(policy.fleetKey, username))
    ? { ok: true, client: { role: 'car', vin: username }, name: username }
    : { ok: false, reason: `bad password for car ${username}` };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
