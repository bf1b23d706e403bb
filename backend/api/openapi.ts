/**
 * The OpenAPI 3 document of the REST API, built from the route declarations (route.ts) the server
 * actually registered: an onRoute hook on the root instance collects them (with their full,
 * prefixed URLs) as the plugins load, and /api/docs serves the document (no @fastify/swagger
 * needed). The schemas are TypeBox's JSON Schema (draft-07 spellings: const, tuples as `items: [...]`)
 * as fastify validates them; `forOpenApi` rewrites only what a generic reader cannot know (the
 * protocol's `vin` format becomes its pattern, `wire` codec hints go). The document says 3.0.3,
 * not 3.1: schemathesis 4.32 (scripts/api-fuzz.sh) rewrites a 3.1 response schema's `prefixItems`
 * to `items: [...]` and then refuses it as 2020-12, so a 3.1 tuple cannot be checked there yet.
 * Fastify's `:param` paths become `{param}`.
 *
 * Every operation lists every status it can answer: its declared ones, the role check's 401 (and
 * 403 above viewer), 400 where it takes input, 413 and 415 where it takes a body, and 414 (a
 * too-long URL or path parameter, see not-found.ts), all with the {code, message, details} body. test/unit/api/error-statuses.test.ts
 * provokes each of them.
 */
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { VIN_PATTERN } from '../../protocol/vin.js';
import { API_ROLES } from './config.js';
import { ApiErrorSchema } from './errors.js';
import { MAX_PARAM_LENGTH, MAX_URL_LENGTH } from './not-found.js';
import type { ApiRoute, RouteResponse } from './route.js';

/** A declaration as registered: `url` is the full path (the plugin's prefix included). */
export interface RegisteredRoute {
  readonly url: string;
  readonly route: ApiRoute;
}

/**
 * Collects every declared route registered on `app` or inside its plugins. Call before the plugins
 * are registered; the list is complete once the server is ready.
 */
export function collectApiRoutes(app: FastifyInstance): () => readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (opts) => {
    const api = opts.config?.api;
    // fastify adds a HEAD route for each GET with the same config: the declaration's method only
    if (api !== undefined && opts.method === api.method) routes.push({ url: opts.url, route: api });
  });
  return () => routes;
}

export function openApiDocument(routes: readonly RegisteredRoute[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { url, route: r } of routes) {
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters = [...paramsOf(r.params, 'path'), ...paramsOf(r.querystring, 'query')];
    const body = r.body ?? r.handlerCheckedBody;
    const responses: Record<string, unknown> = {};
    for (const [code, resp] of Object.entries(allResponses(r))) {
      const { description, schema } = typeof resp === 'string' ? { description: resp, schema: ApiErrorSchema } : resp;
      responses[code] = { description, ...(schema ? { content: { 'application/json': { schema: plain(schema) } } } : {}) };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: r.tags,
      description: `Needs a bearer token with role ${r.role} or above.`,
      security: [{ bearer: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: plain(body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info,
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

/** Whether a route takes input fastify or its handler can refuse (400). */
export function takesInput(r: ApiRoute): boolean {
  return r.params !== undefined || r.querystring !== undefined || r.body !== undefined || r.handlerCheckedBody !== undefined;
}

/** The declared responses plus those every route of its kind has: 400, 401, 403, 414, and 413, 415 with a body. */
export function allResponses(r: ApiRoute): Readonly<Record<number, RouteResponse>> {
  const all: Record<number, RouteResponse> = { ...r.responses };
  if (takesInput(r)) all[400] ??= 'a parameter or the body breaks its rule (details.field and details.rule name it)';
  all[401] ??= 'no or unknown token';
  if (r.role !== API_ROLES[0]) all[403] ??= `role below ${r.role}`;
  all[414] ??= `URL longer than ${MAX_URL_LENGTH} characters, or a path segment longer than ${MAX_PARAM_LENGTH}`;
  if (r.body !== undefined || r.handlerCheckedBody !== undefined) {
    all[413] ??= 'body larger than 1 MiB';
    all[415] ??= 'body not application/json';
  }
  return all;
}

function paramsOf(schema: TSchema | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const props = (schema as TSchema & { properties?: Record<string, TSchema>; required?: string[] }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: plain(s),
  }));
}

/** The schema as plain JSON (TypeBox's symbol keys dropped), in OpenAPI 3.1's JSON Schema. */
function plain(s: TSchema): unknown {
  return forOpenApi(JSON.parse(JSON.stringify(s)) as unknown);
}

/**
 * A TypeBox schema as the document shows it: the protocol's `format: 'vin'` (a format only our
 * validators know) becomes the VIN pattern, `wire` hints (binary codec layout) go.
 */
export function forOpenApi(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(forOpenApi);
  if (typeof s !== 'object' || s === null) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (k === 'wire') continue;
    if ((k === 'properties' || k === 'patternProperties') && typeof v === 'object' && v !== null)
      out[k] = Object.fromEntries(Object.entries(v).map(([name, p]) => [name, forOpenApi(p)]));
    else if (k === 'format' && v === 'vin') out.pattern = VIN_PATTERN;
    else out[k] = k === 'const' || k === 'default' || k === 'examples' ? v : forOpenApi(v);
  }
  return out;
}
