/**
 * The OpenAPI document is exact: every status every operation documents is provoked here (over
 * app.inject(), against the fakes of fakes.ts) and its body validated against the schema the
 * document gives it (with Ajv, the validator fastify itself uses); and whatever the routes answer,
 * to these requests and to a set of bad ones, is a status the document lists for that operation.
 * A new route or a new documented status without a probe here fails the first test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { API_V1 } from '../../../backend/api/route.js';
import { MAX_PARAM_LENGTH, MAX_URL_LENGTH } from '../../../backend/api/not-found.js';
import { ADMIN, OPERATOR, VIEWER, type ErrorReply, type Reply } from './http.js';
import { UNKNOWN_VIN, VIN, wholeApi } from './fakes.js';

interface Operation {
  readonly description: string;
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly required: boolean }[];
  readonly responses: Record<string, { content?: { 'application/json': { schema: object } } }>;
}
type Api = ReturnType<typeof wholeApi>;
type Probe = (api: Api) => Promise<Reply>;

// Ajv 8, as fastify's validator compiler resolves it (the project has no direct Ajv dependency)
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('@fastify/ajv-compiler'));
const AjvClass = fastifyRequire('ajv') as new (o: object) => {
  compile(s: object): ((v: unknown) => boolean) & { errors?: unknown };
};
const ajv = new AjvClass({ strict: false, allErrors: true });

const v1 = (path: string): string => `${API_V1}${path}`;
const school = { id: 'school', name: 'school', geometry: { type: 'Circle', center: [11.575, 48.137], radiusM: 150 } };
const withSchool = async (api: Api): Promise<void> => {
  await api.fences.put({ ...school, tags: [], enabled: true, actions: [] } as never);
};
const lock = async (api: Api): Promise<string> => {
  const r = await api.call<{ commandId: string }>('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'lock' });
  return r.body.commandId;
};
const notReady =
  (method: string, url: string, body?: unknown): Probe =>
  async (api) => {
    api.commands.ready = false;
    return api.call(method, v1(url), ADMIN, body);
  };
const kafkaDown =
  (method: string, url: string, body?: unknown): Probe =>
  async (api) => {
    await withSchool(api);
    api.fences.kafkaDown = true;
    return api.call(method, v1(url), ADMIN, body);
  };

/** For each operation (`METHOD /api/v1/path`), a request that gets each documented status; 401, 403 and 414 are generic. */
const probes: Record<string, Record<number, Probe>> = {
  'POST /vehicles/{vin}/commands': {
    202: (api) => api.call('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'lock', ttlSeconds: 600 }),
    200: async (api) => {
      await api.call('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'lock', idempotencyKey: 'k1' });
      return api.call('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'lock', idempotencyKey: 'k1' });
    },
    400: (api) => api.call('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'lock', ttlSeconds: 601 }),
    404: (api) => api.call('POST', v1(`/vehicles/${UNKNOWN_VIN}/commands`), OPERATOR, { type: 'lock' }),
    409: async (api) => {
      await api.call('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'lock', idempotencyKey: 'k2' });
      return api.call('POST', v1(`/vehicles/${VIN}/commands`), OPERATOR, { type: 'unlock', idempotencyKey: 'k2' });
    },
    503: notReady('POST', `/vehicles/${VIN}/commands`, { type: 'lock' }),
  },
  'GET /commands/{id}': {
    200: async (api) => api.call('GET', v1(`/commands/${await lock(api)}?waitMs=0`), VIEWER),
    400: (api) => api.call('GET', v1('/commands/cmd-1?waitMs=abc'), VIEWER),
    404: (api) => api.call('GET', v1('/commands/cmd-404'), VIEWER),
    503: notReady('GET', '/commands/cmd-1'),
  },
  'GET /vehicles/{vin}/commands': {
    200: async (api) => {
      await lock(api);
      return api.call('GET', v1(`/vehicles/${VIN}/commands?status=CREATED`), VIEWER);
    },
    400: (api) => api.call('GET', v1(`/vehicles/${VIN}/commands?status=SHIPPED`), VIEWER),
    404: (api) => api.call('GET', v1(`/vehicles/${UNKNOWN_VIN}/commands`), VIEWER),
    503: notReady('GET', `/vehicles/${VIN}/commands`),
  },
  'DELETE /commands/{id}': {
    200: async (api) => api.call('DELETE', v1(`/commands/${await lock(api)}`), OPERATOR),
    400: (api) => api.call('DELETE', v1(`/commands/${'c'.repeat(65)}`), OPERATOR),
    404: (api) => api.call('DELETE', v1('/commands/cmd-404'), OPERATOR),
    409: async (api) => {
      const id = await lock(api);
      await api.call('DELETE', v1(`/commands/${id}`), OPERATOR);
      return api.call('DELETE', v1(`/commands/${id}`), OPERATOR);
    },
    503: notReady('DELETE', '/commands/cmd-1'),
  },
  'GET /fences': {
    200: async (api) => {
      await withSchool(api);
      return api.call('GET', v1('/fences'), VIEWER);
    },
  },
  'POST /fences': {
    201: (api) => api.call('POST', v1('/fences'), ADMIN, school),
    400: (api) => api.call('POST', v1('/fences'), ADMIN, { ...school, geometry: { type: 'Circle', center: [11.5, 48.1], radiusM: -1 } }),
    409: async (api) => {
      await withSchool(api);
      return api.call('POST', v1('/fences'), ADMIN, school);
    },
    503: kafkaDown('POST', '/fences', { ...school, id: 'new' }),
  },
  'GET /fences/{id}': {
    200: async (api) => {
      await withSchool(api);
      return api.call('GET', v1('/fences/school'), VIEWER);
    },
    400: (api) => api.call('GET', v1(`/fences/${'f'.repeat(65)}`), VIEWER),
    404: (api) => api.call('GET', v1('/fences/nowhere'), VIEWER),
  },
  'PUT /fences/{id}': {
    200: async (api) => {
      await withSchool(api);
      return api.call('PUT', v1('/fences/school'), ADMIN, { ...school, name: 'old school' });
    },
    400: async (api) => {
      await withSchool(api);
      return api.call('PUT', v1('/fences/school'), ADMIN, { ...school, id: 'other' });
    },
    404: (api) => api.call('PUT', v1('/fences/nowhere'), ADMIN, school),
    503: kafkaDown('PUT', '/fences/school', school),
  },
  'DELETE /fences/{id}': {
    204: async (api) => {
      await withSchool(api);
      return api.call('DELETE', v1('/fences/school'), ADMIN);
    },
    // an id off the fence id pattern
    400: (api) => api.call('DELETE', v1(`/fences/${encodeURIComponent('a b')}`), ADMIN),
    404: (api) => api.call('DELETE', v1('/fences/nowhere'), ADMIN),
    503: kafkaDown('DELETE', '/fences/school'),
  },
  'GET /fences/{id}/occupants': {
    200: async (api) => {
      await withSchool(api);
      return api.call('GET', v1('/fences/school/occupants'), VIEWER);
    },
    400: (api) => api.call('GET', v1(`/fences/${'f'.repeat(65)}/occupants`), VIEWER),
    404: (api) => api.call('GET', v1('/fences/nowhere/occupants'), VIEWER),
  },
  'GET /jams': {
    200: (api) => api.call('GET', v1('/jams?from=0&to=1700000000000'), VIEWER),
    400: (api) => api.call('GET', v1('/jams?from=35000000000000000000000000'), VIEWER),
  },
  'GET /traffic/segments': { 200: (api) => api.call('GET', v1('/traffic/segments'), VIEWER) },
  'GET /vehicles': {
    200: (api) => api.call('GET', v1('/vehicles?status=online&bbox=11,48,12,49&limit=10&offset=0'), VIEWER),
    400: (api) => api.call('GET', v1('/vehicles?offset=35000000000000000000000000'), VIEWER),
  },
  'GET /vehicles/{vin}': {
    200: (api) => api.call('GET', v1(`/vehicles/${VIN}`), VIEWER),
    400: (api) => api.call('GET', v1(`/vehicles/${VIN.slice(0, 8)}${VIN[8] === '0' ? '1' : '0'}${VIN.slice(9)}`), VIEWER),
    404: (api) => api.call('GET', v1(`/vehicles/${UNKNOWN_VIN}`), VIEWER),
  },
  'GET /vehicles/{vin}/telemetry': {
    200: (api) => api.call('GET', v1(`/vehicles/${VIN}/telemetry?limit=1`), VIEWER),
    400: (api) => api.call('GET', v1(`/vehicles/${VIN}/telemetry?limit=0`), VIEWER),
    404: (api) => api.call('GET', v1(`/vehicles/${UNKNOWN_VIN}/telemetry`), VIEWER),
  },
  'GET /me': { 200: (api) => api.call('GET', v1('/me'), VIEWER) },
  'GET /system': { 200: (api) => api.call('GET', v1('/system'), VIEWER) },
  'GET /network': { 200: (api) => api.call('GET', v1('/network'), VIEWER) },
};

/** A URL of the operation that routes (path parameters filled in). */
const urlOf = (path: string): string => path.replace('{vin}', VIN).replace('{id}', 'school');
const below = (op: Operation): string => (op.description.includes('role admin') ? OPERATOR : VIEWER);
const generic: Record<number, (method: string, path: string, op: Operation) => Probe> = {
  401: (method, path) => (api) => api.call(method, urlOf(path), undefined, method === 'GET' || method === 'DELETE' ? undefined : {}),
  403: (method, path, op) => (api) => api.call(method, urlOf(path), below(op), method === 'GET' || method === 'DELETE' ? undefined : {}),
  414: (method, path) => (api) => api.call(method, `${urlOf(path)}?pad=${'x'.repeat(MAX_URL_LENGTH)}`, ADMIN),
  413: (method, path) => (api) => raw(api, method, urlOf(path), 'application/json', `{"name":"${'x'.repeat(1024 * 1024)}"}`),
  415: (method, path) => (api) => raw(api, method, urlOf(path), 'application/xml', '<lock/>'),
};

/** A request with a body as given (content type and bytes), as an admin. */
async function raw(api: Api, method: string, url: string, contentType: string, payload: string): Promise<Reply> {
  const res = await api.app.inject({
    method: method as 'POST',
    url,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': contentType },
    payload,
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

async function documentOf(t: Parameters<typeof wholeApi>[0]): Promise<Record<string, Record<string, Operation>>> {
  const { call } = wholeApi(t);
  return (await call<{ paths: Record<string, Record<string, Operation>> }>('GET', '/api/docs')).body.paths;
}

function check(name: string, status: string, op: Operation, res: { readonly body: unknown }): void {
  const content = op.responses[status]?.content;
  if (content === undefined) {
    assert.deepEqual(res.body, {}, `${name} ${status}: no body`);
    return;
  }
  const validate = ajv.compile(content['application/json'].schema);
  assert.ok(
    validate(res.body),
    `${name} ${status}: body ${JSON.stringify(res.body)} breaks its schema: ${JSON.stringify(validate.errors)}`,
  );
}

test('every documented status of every operation is answered, with a body its schema accepts', async (t) => {
  const paths = await documentOf(t);
  let runs = 0;
  for (const [path, methods] of Object.entries(paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const method = m.toUpperCase();
      const name = `${method} ${path.slice(API_V1.length)}`;
      const own = probes[name];
      assert.ok(own !== undefined, `${name}: no probes (add them to test/unit/api/error-statuses.test.ts)`);
      for (const status of Object.keys(op.responses)) {
        const probe: Probe | undefined = own[Number(status)] ?? generic[Number(status)]?.(method, path, op);
        assert.ok(probe !== undefined, `${name}: documents ${status}, no probe gets it`);
        const res: Reply = await probe(wholeApi(t));
        assert.equal(res.status, Number(status), `${name} ${status}: got ${res.status} ${JSON.stringify(res.body)}`);
        check(name, status, op, res);
        runs++;
      }
      for (const status of Object.keys(own)) assert.ok(status in op.responses, `${name}: answers ${status}, the document does not say so`);
    }
  }
  assert.ok(runs >= 90, `${runs} statuses run`);
});

test('bad requests of every kind get a status the operation documents, in the error shape', async (t) => {
  const paths = await documentOf(t);
  const { call } = wholeApi(t);
  for (const [path, methods] of Object.entries(paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const method = m.toUpperCase();
      const url = urlOf(path);
      const body = method === 'GET' || method === 'DELETE' ? undefined : { unknown: [1, 'x'] };
      const tries = [
        [url, undefined],
        [url, 'not-a-token'],
        [url, VIEWER],
        [url, ADMIN],
        [`${url}?unexpected=1`, ADMIN],
        [`${url}?limit=1e400&offset=-1&waitMs=9007199254740993`, ADMIN],
        [url.replace(VIN, `${VIN}X`).replace('school', 'x'.repeat(MAX_PARAM_LENGTH + 1)), ADMIN],
        [url.replace(VIN, 'IOQ1234567890ABCD').replace('school', '%F0%9F%9A%97'), ADMIN],
      ] as const;
      for (const [u, token] of tries) {
        const res = await call<ErrorReply>(method, u, token, body);
        const status = String(res.status);
        assert.ok(status in op.responses, `${method} ${u.slice(0, 80)} (${String(token)}): ${status} is not documented`);
        if (res.status >= 400) check(`${method} ${path}`, status, op, res);
      }
      // a query parameter the document calls required is required (a default would make it optional)
      const required = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required);
      if (required.length > 0)
        assert.equal((await call(method, url, ADMIN, body)).status, 400, `${method} ${path} without ${required[0]?.name}`);
    }
  }
});
