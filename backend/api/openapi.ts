/**
 * A small OpenAPI 3 generator: routes register their TypeBox schemas here as they are mounted, and
 * /api/docs serves the document built from them (no @fastify/swagger needed). TypeBox schemas are
 * JSON Schema already; fastify's `:param` paths become `{param}`.
 */
import type { TSchema } from '@sinclair/typebox';

export interface RouteDoc {
  readonly method: 'get' | 'post' | 'delete' | 'put' | 'patch';
  /** Fastify path, e.g. /api/v1/commands/:id */
  readonly url: string;
  readonly summary: string;
  readonly tags?: readonly string[];
  /** Least role, shown in the description; undefined = public. */
  readonly role?: string;
  readonly params?: TSchema;
  readonly querystring?: TSchema;
  readonly body?: TSchema;
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: TSchema }>>;
}

export class OpenApiRegistry {
  readonly #routes: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    this.#routes.push(doc);
  }

  document(info: { title: string; version: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.#routes) {
      const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const parameters = [...paramsOf(r.params, 'path'), ...paramsOf(r.querystring, 'query')];
      const responses: Record<string, unknown> = {};
      for (const [code, resp] of Object.entries(r.responses)) {
        responses[code] = {
          description: resp.description,
          ...(resp.schema ? { content: { 'application/json': { schema: plain(resp.schema) } } } : {}),
        };
      }
      (paths[path] ??= {})[r.method] = {
        summary: r.summary,
        ...(r.tags ? { tags: r.tags } : {}),
        ...(r.role ? { description: `Needs a bearer token with role ${r.role} or above.`, security: [{ bearer: [] }] } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: plain(r.body) } } } } : {}),
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
