/**
 * The production dashboard bundle (dist/dashboard: index.html, app.js, app.css...) served by the
 * backend: GET / and /index.html, top-level files (/app.js) and /assets/*. Only regular files
 * inside the bundle folder are served (a resolved path outside it is a 404, whatever the URL
 * says); known content types. Without a bundle, GET / answers 503 with a page saying how to build one.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.geojson': 'application/geo+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** dist/dashboard next to the compiled code (this file is <root>/backend/dashboard/static.js). */
export function defaultBundleDir(): string {
  return fileURLToPath(new URL('../../dashboard/', import.meta.url));
}

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a URL path names inside `root`, or undefined when it would leave it. Pure. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const base = resolve(root);
  const full = resolve(base, `.${rel.startsWith('/') ? '' : '/'}${rel}`);
  return full.startsWith(base + sep) ? full : undefined;
}

const missingPage = (dir: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>v2x dashboard: not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>The dashboard is not built</h1>
<p>There is no production bundle in <code>${dir.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</code>.
Run <code>npm run build</code>, then reload this page. The API (<a href="/api/docs">/api/docs</a>) works meanwhile.</p>
</body></html>
`;

export interface StaticRoutesOptions {
  /** The bundle folder. */
  readonly dir: string;
}

/** The plugin: register with `{ dir }` (no prefix: the bundle is served from /). */
export const staticRoutes: FastifyPluginAsync<StaticRoutesOptions> = async (app, { dir }) => {
  const serve = async (urlPath: string, reply: FastifyReply): Promise<FastifyReply> => {
    const file = resolveInside(dir, urlPath);
    if (file !== undefined) {
      try {
        const st = await stat(file);
        if (st.isFile()) {
          const body = await readFile(file);
          return reply
            .header('content-type', contentTypeOf(file))
            .header('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=300')
            .send(body);
        }
      } catch {
        // not there: 404 below
      }
    }
    reply.callNotFound();
    return reply;
  };
  const index = async (_req: unknown, reply: FastifyReply): Promise<FastifyReply> => {
    if (!existsSync(join(dir, 'index.html')))
      return reply.status(503).header('content-type', 'text/html; charset=utf-8').send(missingPage(dir));
    return serve('/index.html', reply);
  };
  app.get('/', index);
  app.get('/index.html', index);
  app.get<{ Params: { file: string } }>('/:file', async (req, reply) => serve(`/${req.params.file}`, reply));
  app.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) => serve(`/assets/${req.params['*']}`, reply));
};
