/**
 * Builds the dashboard's production bundle with esbuild: backend/dashboard/web/main.ts (with
 * socket.io-client bundled in: nothing is fetched from outside the backend at run time) and app.css,
 * minified, plus index.html, into <build root>/dashboard/{index.html,app.js,app.css}. The build root
 * is the folder this script was compiled into, so `node dist/scripts/build-dashboard.js` (part of
 * `npm run build`) writes dist/dashboard/ and `node .build/<name>/scripts/build-dashboard.js` writes
 * .build/<name>/dashboard/. First it type-checks the browser code (its own tsconfig: DOM lib, no
 * emit), which the root tsconfig leaves out.
 *
 *   node dist/scripts/build-dashboard.js [--out DIR] [--no-check] [--sourcemap]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const buildRoot = fileURLToPath(new URL('..', import.meta.url));

function repoRoot(): string {
  let dir = buildRoot;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the compiled build script');
    dir = up;
  }
  return dir;
}

const root = repoRoot();
const web = join(root, 'backend', 'dashboard', 'web');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 && args[outIndex + 1] ? resolve(args[outIndex + 1] as string) : join(buildRoot, 'dashboard');
const sourcemap = args.includes('--sourcemap');

function typeCheck(): void {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(web, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('build-dashboard: the browser code has type errors (tsc -p backend/dashboard/web/tsconfig.json)');
    process.exit(1);
  }
}

const started = Date.now();
if (!args.includes('--no-check')) typeCheck();
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, logLevel: 'warning', sourcemap, legalComments: 'none', absWorkingDir: root } as const;
await build({
  ...common,
  entryPoints: [join(web, 'main.ts')],
  outfile: join(out, 'app.js'),
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  tsconfig: join(web, 'tsconfig.json'),
});
await build({ ...common, entryPoints: [join(web, 'app.css')], outfile: join(out, 'app.css') });
copyFileSync(join(web, 'index.html'), join(out, 'index.html'));

const size = (f: string): string => `${(statSync(join(out, f)).size / 1024).toFixed(1)} KiB`;
console.log(
  `build-dashboard: ${relative(root, out) || out}/ index.html, app.js ${size('app.js')}, app.css ${size('app.css')} in ${Date.now() - started} ms`,
);
