/**
 * The HTTP layer's own answers (backend/api/not-found.ts, errors.ts): unknown routes, other
 * methods, too-long URLs and path parameters, URLs that do not decode, unknown properties, integer
 * bounds. Each one in the {code, message, details} shape, none echoing a huge input back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_V1 } from '../../../backend/api/route.js';
import { MAX_PARAM_LENGTH, MAX_URL_LENGTH } from '../../../backend/api/not-found.js';
import { ADMIN, OPERATOR, VIEWER, type ErrorReply } from './http.js';
import { VIN, wholeApi } from './fakes.js';

const shape = (r: { body: ErrorReply }): void => {
  assert.deepEqual(Object.keys(r.body).sort(), ['code', 'details', 'message']);
  assert.ok(r.body.message.length < 400, `a short message: ${r.body.message.slice(0, 80)}`);
};

test('an unknown route is 404 ROUTE_NOT_FOUND, with or without a token, before any body is read', async (t) => {
  const { call } = wholeApi(t);
  for (const [method, url, token] of [
    ['GET', `${API_V1}/nothing`, undefined],
    ['GET', `${API_V1}/vehicles/${VIN}/nothing`, VIEWER],
    ['POST', `${API_V1}/nothing/here`, ADMIN],
  ] as const) {
    const r = await call<ErrorReply>(method, url, token, method === 'POST' ? { a: 1 } : undefined);
    assert.equal(r.status, 404, url);
    assert.equal(r.body.code, 'ROUTE_NOT_FOUND');
    assert.deepEqual(r.body.details, { method, path: url });
    shape(r);
  }
});

test('a known path with another method is 405 METHOD_NOT_ALLOWED with Allow', async (t) => {
  const { call, app } = wholeApi(t);
  const r = await call<ErrorReply>('PATCH', `${API_V1}/fences/school`, ADMIN, { name: 'x' });
  assert.equal(r.status, 405);
  assert.equal(r.body.code, 'METHOD_NOT_ALLOWED');
  assert.equal(r.headers.allow, 'DELETE, GET, HEAD, PUT');
  assert.deepEqual(r.body.details, { method: 'PATCH', allow: ['DELETE', 'GET', 'HEAD', 'PUT'] });
  shape(r);
  // a method with a body and no content type is still a 405, not a content-type error
  const trace = await app.inject({ method: 'OPTIONS', url: `${API_V1}/me` });
  assert.equal(trace.statusCode, 405);
  assert.equal(trace.headers.allow, 'GET, HEAD');
});

test('414 URI_TOO_LONG for a URL over the limit and a path parameter over maxParamLength, before the token', async (t) => {
  const { call } = wholeApi(t);
  const long = await call<ErrorReply>('GET', `${API_V1}/vehicles?q=${'x'.repeat(MAX_URL_LENGTH)}`);
  assert.equal(long.status, 414);
  assert.equal(long.body.code, 'URI_TOO_LONG');
  assert.equal(long.body.details.limit, MAX_URL_LENGTH);
  shape(long);
  const param = await call<ErrorReply>('DELETE', `${API_V1}/fences/${'f'.repeat(MAX_PARAM_LENGTH + 1)}`, ADMIN);
  assert.equal(param.status, 414);
  assert.equal(param.body.code, 'URI_TOO_LONG');
  assert.deepEqual(param.body.details, { limit: MAX_PARAM_LENGTH, rule: 'maxParamLength' });
  shape(param);
  // up to maxParamLength the schema decides (400 naming the rule)
  const id = await call<ErrorReply>('DELETE', `${API_V1}/fences/${'f'.repeat(MAX_PARAM_LENGTH)}`, ADMIN);
  assert.equal(id.status, 400);
  assert.deepEqual([id.body.details.field, id.body.details.rule], ['params.id', 'maxLength']);
});

test('a URL that does not decode is 400 VALIDATION_FAILED in the error shape', async (t) => {
  const { call } = wholeApi(t);
  const r = await call<ErrorReply>('GET', `${API_V1}/fences/%E0%A4%A`, VIEWER);
  assert.equal(r.status, 400);
  assert.equal(r.body.code, 'VALIDATION_FAILED');
  shape(r);
});

test('integers are bounded: a huge offset is 400, never echoed as 3.5e+25', async (t) => {
  const { call } = wholeApi(t);
  const huge = await call<ErrorReply>('GET', `${API_V1}/vehicles?offset=35000000000000000000000000`, VIEWER);
  assert.equal(huge.status, 400);
  assert.deepEqual([huge.body.details.field, huge.body.details.rule], ['querystring.offset', 'maximum']);
  const deep = await call<{ offset: number; items: unknown[] }>('GET', `${API_V1}/vehicles?offset=10000000`, VIEWER);
  assert.equal(deep.status, 200);
  assert.deepEqual([deep.body.offset, deep.body.items], [10_000_000, []]);
  const ttl = await call<ErrorReply>('POST', `${API_V1}/vehicles/${VIN}/commands`, OPERATOR, { type: 'lock', ttlSeconds: 1e30 });
  assert.equal(ttl.status, 400);
  assert.deepEqual([ttl.body.details.field, ttl.body.details.rule], ['body.ttlSeconds', 'maximum']);
});

test('unknown query parameters and body properties are refused naming them, not dropped', async (t) => {
  const { call, commands } = wholeApi(t);
  const q = await call<ErrorReply>('GET', `${API_V1}/vehicles?limit=5&colour=red`, VIEWER);
  assert.equal(q.status, 400);
  assert.deepEqual([q.body.details.field, q.body.details.rule], ['querystring.colour', 'additionalProperties']);
  const b = await call<ErrorReply>('POST', `${API_V1}/vehicles/${VIN}/commands`, OPERATOR, { type: 'lock', ttlSecond: 5 });
  assert.equal(b.status, 400);
  assert.match(b.body.message, /body\.ttlSecond is not allowed here/);
  assert.equal(commands.byId.size, 0, 'nothing sent');
});

test('a VIN path parameter off the VIN pattern is 400 from the schema; a bad check digit 400 from the route', async (t) => {
  const { call } = wholeApi(t);
  const letters = await call<ErrorReply>('GET', `${API_V1}/vehicles/IOQ45678901234567`, VIEWER);
  assert.equal(letters.status, 400);
  assert.deepEqual([letters.body.details.field, letters.body.details.rule], ['params.vin', 'pattern']);
  const digit = `${VIN.slice(0, 8)}${VIN[8] === '0' ? '1' : '0'}${VIN.slice(9)}`;
  const check = await call<ErrorReply>('GET', `${API_V1}/vehicles/${digit}`, VIEWER);
  assert.equal(check.status, 400);
  assert.equal(check.body.details.field, 'params.vin');
});

test('query parameters with defaults are optional in the document (limit, offset)', async (t) => {
  const { call } = wholeApi(t);
  const doc = await call<{ paths: Record<string, { get: { parameters: { name: string; required: boolean }[] } }> }>('GET', '/api/docs');
  const params = doc.body.paths[`${API_V1}/vehicles`]?.get.parameters ?? [];
  assert.deepEqual(
    params.filter((p) => p.required).map((p) => p.name),
    [],
  );
  const page = await call<{ limit: number; offset: number }>('GET', `${API_V1}/vehicles`, VIEWER);
  assert.deepEqual([page.status, page.body.limit, page.body.offset], [200, 50, 0]);
});
