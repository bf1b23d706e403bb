/**
 * The OpenAPI 3 document of the REST API, built from the route declarations (route.ts) the server
 * actually registered: an onRoute hook on the root instance collects them (with their full,
 * prefixed URLs) as the plugins load, and /api/docs serves the document (no @fastify/swagger
 * needed). TypeBox schemas are JSON Schema already; fastify's `:param` paths become `{param}`.
 */
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { API_ROLES } from './config.js';
import { ApiErrorSchema } from './errors.js';
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
    for (const [code, resp] of Object.entries(withAuthResponses(r))) {
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

/** The declared responses plus the role check's 401 and (above the least role) 403. */
function withAuthResponses(r: ApiRoute): Readonly<Record<number, RouteResponse>> {
  const all: Record<number, RouteResponse> = { ...r.responses };
  all[401] ??= 'no or unknown token';
  if (r.role !== API_ROLES[0]) all[403] ??= `role below ${r.role}`;
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

/** The schema as plain JSON (TypeBox's symbol keys dropped). */
function plain(s: TSchema): unknown {
  return JSON.parse(JSON.stringify(s)) as unknown;
}
