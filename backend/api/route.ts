/**
 * One declaration per REST endpoint: method, URL, least role, request and response schemas,
 * handler. `registerRoutes(app, routes)` turns each into a fastify route (the request schemas
 * validate, the role is checked in an onRequest hook) and keeps the declaration in the route's
 * `config.api`, where the OpenAPI builder (openapi.ts) reads it back through an onRoute hook. So the
 * document lists exactly the registered routes, with the schemas fastify validates against.
 *
 * Auth comes first: onRequest runs before fastify parses and validates the body, so a request
 * without a valid token is 401 (below the role 403) whatever its body or query says.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, onRequestAsyncHookHandler } from 'fastify';
import { V2xError } from '../../core/errors.js';
import { requireRole, type Principal, type TokenTable } from './auth.js';
import type { ApiRole } from './config.js';

/** The prefix the REST plugins are registered under. */
export const API_V1 = '/api/v1';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A response: a description and its body schema; a plain string is an error reply ({code, message, details}). */
export type RouteResponse = string | { readonly description: string; readonly schema?: TSchema };

type StaticOf<T> = T extends TSchema ? Static<T> : unknown;

export interface RouteSpec<P extends TSchema | undefined, Q extends TSchema | undefined, B extends TSchema | undefined> {
  readonly method: HttpMethod;
  /** Relative to the prefix the plugin is registered with, e.g. /commands/:id */
  readonly url: string;
  /** The least role; viewer < operator < admin. */
  readonly role: ApiRole;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly params?: P;
  readonly querystring?: Q;
  /** Validated by fastify before the handler runs (400 VALIDATION_FAILED naming the field). */
  readonly body?: B;
  /**
   * A body documented but checked by the handler itself (for its own error codes, such as
   * GEOFENCE_INVALID): fastify does not validate it and the handler sees `unknown`.
   */
  readonly handlerCheckedBody?: TSchema;
  /** 401, and 403 above the viewer role, are added to the document when not listed. */
  readonly responses: Readonly<Record<number, RouteResponse>>;
  handler(req: FastifyRequest<{ Params: StaticOf<P>; Querystring: StaticOf<Q>; Body: StaticOf<B> }>, reply: FastifyReply): Promise<unknown>;
}

/** A declaration with its schema types erased, as the route lists hold them. */
export type ApiRoute = RouteSpec<TSchema | undefined, TSchema | undefined, TSchema | undefined>;

/** A declaration whose handler sees the Static types of its schemas. */
export function defineRoute<
  P extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  B extends TSchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): ApiRoute {
  return spec as unknown as ApiRoute;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's bearer tokens, parsed once at startup (buildHttp decorates the root instance). */
    readonly tokens: TokenTable;
  }
  interface FastifyRequest {
    /** Who sent the request: set by the role check of a declared route, null elsewhere. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The declaration a route was registered from (read by the OpenAPI builder). */
    api?: ApiRoute;
  }
}

/** The fastify schema of a declaration: what fastify validates. */
export function fastifySchema(r: ApiRoute): FastifySchema {
  return {
    ...(r.params === undefined ? {} : { params: r.params }),
    ...(r.querystring === undefined ? {} : { querystring: r.querystring }),
    ...(r.body === undefined ? {} : { body: r.body }),
  };
}

/** The onRequest hook of a role: authenticates the bearer token and checks the role (401, 403). */
export function roleHook(role: ApiRole): onRequestAsyncHookHandler {
  return async (req) => {
    const p = req.server.tokens.authenticate(req.headers.authorization);
    requireRole(p, role);
    req.principal = p;
  };
}

/** Registers the declarations as fastify routes on `app` (a plugin's instance, so its prefix applies). */
export function registerRoutes(app: FastifyInstance, routes: readonly ApiRoute[]): void {
  if (!app.hasDecorator('tokens'))
    throw new V2xError('INTERNAL', 'registerRoutes: the fastify instance has no `tokens` decorator (build it with buildHttp)');
  for (const r of routes) {
    app.route({
      method: r.method,
      url: r.url,
      schema: fastifySchema(r),
      config: { api: r },
      onRequest: roleHook(r.role),
      handler: r.handler as (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
    });
  }
}

/** The principal of a request that passed its route's role check. */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === null) throw new V2xError('UNAUTHORIZED', 'no principal on this request');
  return req.principal;
}
