/**
 * The HTTP layer as the backend builds it (buildHttp: error handler, token decorator, /api/docs)
 * with the plugins under test registered on it, served through `app.inject()` (no socket).
 */
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { parseTokens } from '../../../backend/api/auth.js';
import { buildHttp, type RouteHook } from '../../../backend/http.js';

export const VIEWER = 'viewer-token-1';
export const OPERATOR = 'operator-token-1';
export const ADMIN = 'admin-token-1';
const TOKENS = [`vic:viewer:${VIEWER}`, `olga:operator:${OPERATOR}`, `ada:admin:${ADMIN}`];

export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Record<string, unknown>;
}

export type Call = <T = Record<string, unknown>>(method: string, url: string, token?: string, body?: unknown) => Promise<Reply<T>>;

/** An HTTP app with `routes` registered (not listening); closed after the test. Call `ready()` yourself when adding hooks first. */
export function testHttp(t: TestContext, ...routes: RouteHook[]): { app: FastifyInstance; call: Call } {
  const app = buildHttp({ registry: new Registry(), health: () => ({}), tokens: parseTokens(TOKENS), routes });
  t.after(() => app.close());
  const call: Call = async <T>(method: string, url: string, token?: string, body?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: (res.body === '' ? {} : res.json()) as T, headers: res.headers };
  };
  return { app, call };
}

/** The {code, message, details} error reply every refusal has. */
export interface ErrorReply {
  readonly code: string;
  readonly message: string;
  readonly details: Record<string, unknown>;
}
