/**
 * The Dockerfile's key lines (CI also lints it with hadolint: scripts/hadolint.sh): two stages, the
 * build stage running `npm ci` and `npm run build`, a runtime stage with production dependencies
 * only and dist/ from the build stage, a non-root user, a health check on /health, `v2x` as the
 * entry point, the MQTT and HTTP ports exposed, and no secrets baked in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { repoPath } from '../../helpers/repo.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Instructions with continuation lines joined and comments dropped; split by FROM into stages. */
function stages(text: string): Instruction[][] {
  const joined = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const out: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const ins = { op: (m[1] as string).toUpperCase(), args: (m[2] as string).trim() };
    if (ins.op === 'FROM') out.push([ins]);
    else if (out.length > 0) out[out.length - 1]?.push(ins);
  }
  return out;
}

const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
const all = stages(dockerfile);
const named = (name: string): Instruction[] => {
  const s = all.find((st) => new RegExp(`\\bAS\\s+${name}$`, 'i').test(st[0]?.args ?? ''));
  assert.ok(s !== undefined, `a stage named ${name}`);
  return s;
};
const runs = (st: Instruction[]): string[] => st.filter((i) => i.op === 'RUN').map((i) => i.args);

test('multi-stage: the build stage runs npm ci and npm run build', () => {
  assert.ok(all.length >= 2, 'at least two stages');
  const build = runs(named('build')).join(' && ');
  assert.match(build, /\bnpm ci\b/);
  assert.match(build, /\bnpm run build\b/);
});

test('the runtime stage: node 20, production dependencies only, dist/ from the build stage', () => {
  const runtime = all[all.length - 1] as Instruction[];
  assert.match(runtime[0]?.args ?? '', /AS runtime$/i, 'the runtime stage is the last one');
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:20[\w.-]*-slim$/m);
  assert.ok(
    runs(runtime).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
    'npm ci --omit=dev',
  );
  assert.ok(!runs(runtime).some((r) => /npm run build|tsc/.test(r)), 'no build in the runtime stage');
  assert.ok(runtime.some((i) => i.op === 'COPY' && /^--from=build\s+\S*dist\s/.test(i.args)));
});

test('runs as a non-root user, with v2x as the entry point', () => {
  const runtime = all[all.length - 1] as Instruction[];
  const users = runtime.filter((i) => i.op === 'USER');
  assert.equal(users.length, 1);
  const user = users[0]?.args ?? '';
  assert.doesNotMatch(user, /^(root|0)(:|$)/);
  assert.match(user, /^[1-9][0-9]*(:[0-9]+)?$/, 'numeric, so runAsNonRoot can verify it');
  const entry = runtime.find((i) => i.op === 'ENTRYPOINT');
  assert.deepEqual(JSON.parse(entry?.args ?? 'null'), ['v2x']);
});

test('a health check on /health and the MQTT and HTTP ports exposed', () => {
  const runtime = all[all.length - 1] as Instruction[];
  const hc = runtime.find((i) => i.op === 'HEALTHCHECK');
  assert.match(hc?.args ?? '', /\/health\b/);
  const exposed = runtime
    .filter((i) => i.op === 'EXPOSE')
    .flatMap((i) => i.args.split(/\s+/))
    .map(Number);
  for (const port of [1883, 8083, 3000]) assert.ok(exposed.includes(port), `EXPOSE ${port}`);
});

test('no secrets in the image: no credentials in ENV or ARG, no .env or key files copied', () => {
  for (const st of all) {
    for (const i of st) {
      if (i.op === 'ENV' || i.op === 'ARG') assert.doesNotMatch(i.args, /(PASSWORD|SECRET|TOKEN|FLEET_KEY|PRIVATE)/i, `${i.op} ${i.args}`);
      if (i.op === 'COPY' || i.op === 'ADD') assert.doesNotMatch(i.args, /\.env\b|\.pem\b|\.key\b|infra\/tls/, `${i.op} ${i.args}`);
    }
  }
  const ignore = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
  for (const p of ['.git', 'node_modules', 'dist']) assert.ok(ignore.includes(p), `.dockerignore lists ${p}`);
});
