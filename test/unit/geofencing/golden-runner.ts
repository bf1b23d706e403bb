/**
 * Golden-file harness for the geofence evaluator. A case is a folder under
 * test/fixtures/geofencing/<case>/ with in.json (fences as a GeoJSON FeatureCollection, the inputs
 * in order, optional evaluator options, and `expect`: the event sequence as `type fenceId vin
 * [reason]` lines, a check that survives regeneration) and out.json (every output, tagged with the
 * index of the input that produced it). `UPDATE_GOLDEN=1` rewrites out.json from the evaluator.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  collectionToFences,
  createGeofenceState,
  evaluate,
  featureToFence,
  type GeofenceInput,
  type GeofenceOutput,
} from '../../../backend/services/geofencing/index.js';

export interface GoldenCase {
  readonly description: string;
  readonly options?: Record<string, number>;
  readonly fences: unknown;
  readonly inputs: readonly Record<string, unknown>[];
  readonly expect: readonly string[];
}

export type TaggedOutput = { readonly input: number } & GeofenceOutput;

/** The fixtures folder in the source tree, found by walking up from this compiled file (works from dist/ and .build/x/). */
export function fixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'geofencing');
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('test/fixtures/geofencing not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function caseNames(): string[] {
  const root = fixturesDir();
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'in.json')))
    .map((d) => d.name)
    .sort();
}

export function readCase(name: string): GoldenCase {
  return JSON.parse(readFileSync(join(fixturesDir(), name, 'in.json'), 'utf8')) as GoldenCase;
}

function toInput(raw: Record<string, unknown>): GeofenceInput {
  if (raw.kind === 'upsert') return { kind: 'upsert', ts: raw.ts as number, fence: featureToFence(raw.feature) };
  return raw as unknown as GeofenceInput;
}

/** Runs a case through a fresh evaluator; outputs tagged with their input's index. */
export function runCase(c: GoldenCase): TaggedOutput[] {
  const state = createGeofenceState(c.options ?? {}, collectionToFences(c.fences));
  const out: TaggedOutput[] = [];
  c.inputs.forEach((raw, i) => {
    for (const o of evaluate(state, toInput(raw)).outputs) out.push({ input: i, ...o });
  });
  return out;
}

/** `enter depot WVW...` / `exit depot WVW... left`: the summary `expect` is written in. */
export function summarize(outputs: readonly TaggedOutput[]): string[] {
  return outputs.flatMap((o) =>
    o.kind === 'event'
      ? [[o.event.type, o.event.fenceId, o.event.vin, ...(o.event.reason === undefined ? [] : [o.event.reason])].join(' ')]
      : [],
  );
}

export function goldenPath(name: string): string {
  return join(fixturesDir(), name, 'out.json');
}

export function readGolden(name: string): unknown {
  const p = goldenPath(name);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as unknown) : undefined;
}

export function writeGolden(name: string, outputs: readonly TaggedOutput[]): void {
  writeFileSync(goldenPath(name), JSON.stringify(outputs, null, 2) + '\n');
}
