/**
 * Golden-file harness for the geofence evaluator. A case is a folder under
 * test/fixtures/geofencing/<case>/ with in.json (fences as a GeoJSON FeatureCollection, the inputs
 * in order, optional evaluator options, and `expect`: the event sequence as `type fenceId vin
 * [reason]` lines, a check that survives regeneration) and out.json (every output, tagged with the
 * index of the input that produced it). `UPDATE_GOLDEN=1` rewrites out.json from the evaluator.
 */
import {
  collectionToFences,
  createGeofenceState,
  evaluate,
  featureToFence,
  type GeofenceInput,
  type GeofenceOutput,
} from '../../../backend/services/geofencing/index.js';
import { goldenCases } from '../../helpers/golden.js';

export interface GoldenCase {
  readonly description: string;
  readonly options?: Record<string, number>;
  readonly fences: unknown;
  readonly inputs: readonly Record<string, unknown>[];
  readonly expect: readonly string[];
}

export type TaggedOutput = { readonly input: number } & GeofenceOutput;

const cases = goldenCases<GoldenCase>('geofencing');
export const caseNames = (): string[] => cases.names();
export const readCase = (name: string): GoldenCase => cases.readIn(name);
export const readGolden = (name: string): unknown => cases.readOut(name);
export const writeGolden = (name: string, outputs: readonly TaggedOutput[]): void => cases.writeOut(name, outputs);

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
