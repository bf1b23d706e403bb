/**
 * The backend's HTTP server: /health and /metrics, plus the roles' fastify plugins (the REST API
 * under /api/v1, the dashboard bundle) and the OpenAPI document of the declared routes at /api/docs.
 * The API's token table comes in once and is a decorator (`app.tokens`) every plugin inherits.
 * Unknown routes, other methods and too-long URLs get the API's error shape (api/not-found.ts);
 * properties a schema does not allow are refused, not dropped (docs/api.md).
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyPluginOptions, type FastifyRegisterOptions } from 'fastify';
import type { Registry } from 'prom-client';
import type { TokenTable } from './api/auth.js';
import { frameworkError, installErrorHandler } from './api/errors.js';
import { installNotFound, MAX_PARAM_LENGTH } from './api/not-found.js';
import { collectApiRoutes, openApiDocument } from './api/openapi.js';

/** A role's HTTP part: registers its plugin(s) on the server, once, before it listens. */
export type RouteHook = (app: FastifyInstance) => void;

/** The RouteHook that registers `plugin` with `opts` (the plugin's service, its prefix). */
export function plugin<O extends FastifyPluginOptions>(p: FastifyPluginAsync<O>, opts: FastifyRegisterOptions<O>): RouteHook {
  return (app) => {
    void app.register(p, opts);
  };
}

export interface HttpDeps {
  readonly registry: Registry;
  readonly health: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** /metrics' text when not the registry's own (a multi-process stack's view of every process). */
  readonly metricsText?: () => Promise<string>;
  /** The API's bearer tokens (backend/api/auth.ts parseTokens), parsed once. */
  readonly tokens: TokenTable;
  readonly routes?: readonly RouteHook[];
}

export function buildHttp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkError(MAX_PARAM_LENGTH),
    // a property the schema does not allow is refused (400 naming it), not silently dropped
    ajv: { customOptions: { removeAdditional: false } },
  });
  installErrorHandler(app);
  installNotFound(app);
  app.decorate('tokens', deps.tokens);
  app.decorateRequest('principal', null);
  const declared = collectApiRoutes(app);
  app.get('/health', async () => ({ status: 'ok', ...(await deps.health()) }));
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.registry.contentType);
    return deps.metricsText ? deps.metricsText() : deps.registry.metrics();
  });
  for (const hook of deps.routes ?? []) hook(app);
  let docs: Record<string, unknown> | undefined;
  app.get('/api/docs', async () => (docs ??= openApiDocument(declared(), { title: 'v2x-fleet API', version: '1' })));
  return app;
}
