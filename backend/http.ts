/**
 * The backend's HTTP server: /health and /metrics, plus whatever the roles mount through `routes`
 * hooks (the REST API under /api/v1, its OpenAPI document at /api/docs).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { installErrorHandler } from './api/errors.js';
import { OpenApiRegistry } from './api/openapi.js';

/** A role's route registration: called once, before the server listens. */
export type RouteHook = (app: FastifyInstance, docs: OpenApiRegistry) => void;

export interface HttpDeps {
  readonly registry: Registry;
  readonly health: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** /metrics' text when not the registry's own (a multi-process stack's view of every process). */
  readonly metricsText?: () => Promise<string>;
  readonly routes?: readonly RouteHook[];
}

export function buildHttp(deps: HttpDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.get('/health', async () => ({ status: 'ok', ...(await deps.health()) }));
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.registry.contentType);
    return deps.metricsText ? deps.metricsText() : deps.registry.metrics();
  });
  const docs = new OpenApiRegistry();
  for (const hook of deps.routes ?? []) hook(app, docs);
  app.get('/api/docs', async () => docs.document({ title: 'v2x-fleet API', version: '1' }));
  return app;
}
