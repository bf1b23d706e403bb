/**
 * The OpenAPI document at /api/docs against what fastify registered: every API plugin of the
 * backend registered with fakes (and the dashboard bundle, which is not API), then the document's
 * operations compared with the routes fastify saw (onRoute), their schemas with the ones fastify
 * validates against, and both with the declaration lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TSchema } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { allResponses, forOpenApi } from '../../../backend/api/openapi.js';
import { API_V1, type ApiRoute } from '../../../backend/api/route.js';
import { plugin } from '../../../backend/http.js';
import { commandApiRoutes, commandRoutes, type CommandApi } from '../../../backend/services/commands/routes.js';
import { geofenceApiRoutes, geofenceRoutes, type GeofenceApi } from '../../../backend/services/geofencing/routes.js';
import { trafficApiRoutes, trafficRoutes, type TrafficView } from '../../../backend/services/traffic/routes.js';
import { dashboardApiRoutes, dashboardRoutes } from '../../../backend/dashboard/routes.js';
import { vehicleApiRoutes, vehicleRoutes } from '../../../backend/dashboard/vehicles/routes.js';
import { staticRoutes } from '../../../backend/dashboard/static.js';
import { VehicleStore } from '../../../backend/dashboard/vehicles/store.js';
import { testHttp } from './http.js';

// The document is built at registration: the fakes are never called.
const unused = (): never => {
  throw new Error('not called in this test');
};
const commands = unused as unknown as () => CommandApi;
const fences = {} as GeofenceApi;
const view = {} as TrafficView;
const store = new VehicleStore<Uint8Array>({ ringSize: 1 });
const dash = { system: unused, network: unused };

interface Operation {
  parameters?: { name: string; in: string; schema: unknown }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { description: string; content?: unknown }>;
  security?: unknown;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

const plain = (s: unknown): unknown => forOpenApi(JSON.parse(JSON.stringify(s)) as unknown);
const docPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

test('/api/docs lists exactly the registered API routes, with the schemas fastify validates', async (t) => {
  const { app, call } = testHttp(
    t,
    plugin(commandRoutes, { prefix: API_V1, service: commands, defaultTtlSeconds: 60, maxTtlSeconds: 600 }),
    plugin(geofenceRoutes, { prefix: API_V1, service: fences }),
    plugin(trafficRoutes, { prefix: API_V1, view }),
    plugin(vehicleRoutes, { prefix: API_V1, store }),
    plugin(dashboardRoutes, { prefix: API_V1, ...dash }),
    plugin(staticRoutes, { dir: '/nonexistent' }),
  );
  // what fastify registers, as the plugins load
  const registered: { method: string; url: string; schema: FastifySchema | undefined; api: ApiRoute | undefined }[] = [];
  app.addHook('onRoute', (r) => {
    if (typeof r.method === 'string' && r.method !== 'HEAD')
      registered.push({ method: r.method, url: r.url, schema: r.schema, api: r.config?.api });
  });
  await app.ready();
  const res = await call<Doc>('GET', '/api/docs');
  assert.equal(res.status, 200);
  const doc = res.body;
  assert.equal(doc.openapi, '3.0.3');

  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
  const api = registered.filter((r) => r.url.startsWith(`${API_V1}/`));
  assert.deepEqual(ops.sort(), api.map((r) => `${r.method} ${docPath(r.url)}`).sort(), 'every /api/v1 route fastify has, and no other');
  const declared = [
    ...commandApiRoutes({ service: commands, defaultTtlSeconds: 60, maxTtlSeconds: 600 }),
    ...geofenceApiRoutes(fences),
    ...trafficApiRoutes(view),
    ...vehicleApiRoutes(store),
    ...dashboardApiRoutes(dash),
  ];
  assert.equal(ops.length, declared.length, 'one operation per declaration');
  assert.deepEqual(ops.sort(), declared.map((r) => `${r.method} ${docPath(API_V1 + r.url)}`).sort());
  assert.ok(!ops.some((o) => o.includes('/health') || o.includes('/metrics') || o.includes('/assets')), 'not API routes');

  for (const r of api) {
    const name = `${r.method} ${r.url}`;
    const op = doc.paths[docPath(r.url)]?.[r.method.toLowerCase()];
    assert.ok(op !== undefined && r.api !== undefined, name);
    // the schemas fastify validates are the ones the document shows
    const schema = r.schema ?? {};
    const params = (where: string) => (op.parameters ?? []).filter((p) => p.in === where);
    const props = (s: unknown) => Object.keys((s as { properties?: object } | undefined)?.properties ?? {});
    assert.deepEqual(
      params('path').map((p) => p.name),
      props(schema.params),
      `${name} path parameters`,
    );
    assert.deepEqual(
      params('query').map((p) => p.name),
      props(schema.querystring),
      `${name} query parameters`,
    );
    for (const p of params('path'))
      assert.deepEqual(p.schema, plain((schema.params as { properties: Record<string, TSchema> }).properties[p.name]));
    const body = op.requestBody?.content['application/json'].schema;
    if (schema.body !== undefined) assert.deepEqual(body, plain(schema.body), `${name} body is the validated schema`);
    else assert.deepEqual(body, r.api.handlerCheckedBody === undefined ? undefined : plain(r.api.handlerCheckedBody), `${name} body`);
    // the declared responses, plus the role check's 401 (and 403 above viewer), 400 with input, 414
    const codes = Object.keys(r.api.responses);
    const input =
      r.schema?.params !== undefined ||
      r.schema?.querystring !== undefined ||
      r.api.body !== undefined ||
      r.api.handlerCheckedBody !== undefined;
    const bodyCodes = r.api.body !== undefined || r.api.handlerCheckedBody !== undefined ? ['413', '415'] : [];
    const expected = new Set([
      ...codes,
      ...(input ? ['400'] : []),
      '401',
      ...(r.api.role === 'viewer' ? [] : ['403']),
      '414',
      ...bodyCodes,
    ]);
    assert.deepEqual(Object.keys(op.responses).sort(), [...expected].sort(), `${name} responses`);
    assert.deepEqual(Object.keys(op.responses).sort(), Object.keys(allResponses(r.api)).sort());
    for (const [code, resp] of Object.entries(r.api.responses)) {
      if (typeof resp !== 'string' && resp.schema !== undefined)
        assert.deepEqual(
          (op.responses[code]?.content as { 'application/json': { schema: unknown } })['application/json'].schema,
          plain(resp.schema),
        );
    }
    assert.deepEqual(op.security, [{ bearer: [] }]);
  }
  // the geofence body is documented, not validated by fastify (the validator names the reason)
  const post = registered.find((r) => r.method === 'POST' && r.url === `${API_V1}/fences`);
  assert.equal(post?.schema?.body, undefined);
  assert.ok(doc.paths[`${API_V1}/fences`]?.post?.requestBody);
});

test('forOpenApi: the vin format as its pattern, no wire hints, property names kept', () => {
  assert.deepEqual(forOpenApi({ type: 'string', format: 'vin', wire: 'vin' }), { type: 'string', pattern: '^[0-9A-HJ-NPR-Z]{17}$' });
  assert.deepEqual(forOpenApi({ type: 'object', properties: { wire: { type: 'string' }, items: { const: 'x' } } }), {
    type: 'object',
    properties: { wire: { type: 'string' }, items: { const: 'x' } },
  });
});
