/**
 * Bearer tokens with roles, from the `api` config (principal:role:token). Roles are ranked:
 * viewer < operator < admin, and a route names the least role it needs. A missing or unknown
 * token is UNAUTHORIZED (401); a known token below the role is FORBIDDEN (403).
 */
import { timingSafeEqual } from 'node:crypto';
import { V2xError } from '../../core/errors.js';
import { API_ROLES, type ApiRole } from './config.js';

export interface Principal {
  readonly id: string;
  readonly role: ApiRole;
}

export interface TokenTable {
  /** The principal of an `Authorization` header value; throws UNAUTHORIZED. */
  authenticate(header: string | undefined): Principal;
}

export function parseTokens(entries: readonly string[]): TokenTable {
  const table = entries.map((e) => {
    const [id, role, ...rest] = e.split(':');
    return { id: id ?? '', role: role as ApiRole, token: Buffer.from(rest.join(':')) };
  });
  return {
    authenticate(header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      if (m === null)
        throw new V2xError('UNAUTHORIZED', header === undefined ? 'no Authorization header' : 'expected "Authorization: Bearer <token>"');
      const given = Buffer.from(m[1] ?? '');
      const hit = table.find((t) => t.token.length === given.length && timingSafeEqual(t.token, given));
      if (hit === undefined) throw new V2xError('UNAUTHORIZED', 'unknown token');
      return { id: hit.id, role: hit.role };
    },
  };
}

export function hasRole(p: Principal, least: ApiRole): boolean {
  return API_ROLES.indexOf(p.role) >= API_ROLES.indexOf(least);
}

export function requireRole(p: Principal, least: ApiRole): void {
  if (!hasRole(p, least))
    throw new V2xError('FORBIDDEN', `needs role ${least}, ${p.id} has ${p.role}`, { details: { needs: least, has: p.role } });
}
