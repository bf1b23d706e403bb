/**
 * The answers fastify's router leaves to us, in the API's {code, message, details} shape:
 * - a URL longer than MAX_URL_LENGTH: 414 URI_TOO_LONG (before the token is looked at, like a
 *   too-large body; a path parameter past maxParamLength is the router's 414, see errors.ts);
 * - a path no route serves: 404 ROUTE_NOT_FOUND;
 * - a path some route serves, with another method: 405 METHOD_NOT_ALLOWED with an Allow header.
 * An onRoute hook on the root instance records every route (all plugins included) as it is added.
 */
import type { FastifyInstance } from 'fastify';
import { V2xError } from '../../core/errors.js';
import { shortPath } from './errors.js';

/** Longest request URL (path and query) the server takes; Node itself refuses a request line past 16 KiB. */
export const MAX_URL_LENGTH = 8192;
/** Longest path parameter fastify's router takes (longer: 414). Above every declared maxLength, so those are 400s. */
export const MAX_PARAM_LENGTH = 1024;

interface Known {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** `/api/v1/fences/:id` -> /^\/api\/v1\/fences\/[^/]+$/; `*` matches the rest. */
function patternOf(url: string): RegExp {
  const parts = url.split('/').map((seg) => {
    if (seg === '*') return '.*';
    if (seg.startsWith(':')) return '[^/]+';
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*$/, '.*');
  });
  return new RegExp(`^${parts.join('/')}$`);
}

/** Installs the URL length limit and the 404/405 answers on the root instance (before the plugins register). */
export function installNotFound(app: FastifyInstance): void {
  const known = new Map<string, Known>();
  app.addHook('onRoute', (r) => {
    const entry = known.get(r.url) ?? { pattern: patternOf(r.url), methods: new Set<string>() };
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) entry.methods.add(m);
    known.set(r.url, entry);
  });
  const allowed = (path: string): string[] => {
    const methods = new Set<string>();
    for (const k of known.values()) if (k.pattern.test(path)) for (const m of k.methods) methods.add(m);
    return [...methods].sort();
  };
  // onRequest runs before the body is read: an unknown route never gets its body parsed
  app.addHook('onRequest', async (req) => {
    if (req.url.length > MAX_URL_LENGTH)
      throw new V2xError('URI_TOO_LONG', `${req.url.length} characters, the limit is ${MAX_URL_LENGTH}`, {
        details: { length: req.url.length, limit: MAX_URL_LENGTH, rule: 'maxUrlLength' },
      });
    if (!req.is404) return;
    const path = req.url.split('?')[0] ?? '';
    const allow = allowed(path);
    if (allow.length > 0)
      throw new V2xError('METHOD_NOT_ALLOWED', `${req.method} ${shortPath(path)}: allowed ${allow.join(', ')}`, {
        details: { method: req.method, allow },
      });
    throw new V2xError('ROUTE_NOT_FOUND', `${req.method} ${shortPath(path)}`, { details: { method: req.method, path: shortPath(path) } });
  });
  app.setNotFoundHandler(async (req) => {
    throw new V2xError('ROUTE_NOT_FOUND', `${req.method} ${shortPath(req.url)}`, {
      details: { method: req.method, path: shortPath(req.url) },
    });
  });
}
