/**
 * Golden-file harness for the traffic cores. A case is test/fixtures/traffic/<case>/in.json with a
 * `kind` (match, windows, merge), its inputs, and `expect`: short human-checked lines that survive
 * regeneration; out.json holds every output. `UPDATE_GOLDEN=1` rewrites out.json.
 */
import { createNetwork, type RoadNetwork, type RoadNodeSpec, type RoadSegmentSpec } from '../../../road/network.js';
import { SegmentIndex } from '../../../road/spatial-index.js';
import { MapMatcher } from '../../../backend/services/traffic/map-matcher.js';
import { SegmentWindows } from '../../../backend/services/traffic/windows.js';
import { mergeJammed } from '../../../backend/services/traffic/jam-merge.js';
import { JamTracker } from '../../../backend/services/traffic/jam-tracker.js';
import type { Fix, JamEvent, MatchedFix, WindowStat } from '../../../backend/services/traffic/types.js';
import { goldenCases } from '../../helpers/golden.js';

export interface NetworkSpec {
  readonly nodes: readonly RoadNodeSpec[];
  readonly segments: readonly RoadSegmentSpec[];
}

export type GoldenCase =
  | { kind: 'match'; description: string; network: NetworkSpec; fixes: Fix[]; expect: string[] }
  | { kind: 'windows'; description: string; windowMs: number; stepMs: number; samples: MatchedFix[]; closeAt: number[]; expect: string[] }
  | {
      kind: 'merge';
      description: string;
      network: NetworkSpec;
      graceMs: number;
      steps: { atMs: number; jammed: Record<string, number> }[];
      expect: string[];
    };

export interface CaseResult {
  readonly output: unknown;
  /** Lines comparable with `expect`. */
  readonly lines: string[];
}

const cases = goldenCases<GoldenCase>('traffic');
export const caseNames = (): string[] => cases.names();
export const readCase = (name: string): GoldenCase => cases.readIn(name);
export const readOut = (name: string): unknown => cases.readOut(name);
export const writeOut = (name: string, output: unknown): void => cases.writeOut(name, output);

function net(spec: NetworkSpec): RoadNetwork {
  return createNetwork({ nodes: spec.nodes, segments: spec.segments });
}

export function runCase(c: GoldenCase): CaseResult {
  switch (c.kind) {
    case 'match': {
      const matcher = new MapMatcher(new SegmentIndex(net(c.network), 50));
      const output = c.fixes.map((f) => matcher.match(f) ?? { vin: f.vin, ts: f.ts, key: null });
      return { output, lines: output.map((m) => `${m.vin} ${m.key ?? '-'}`) };
    }
    case 'windows': {
      const w = new SegmentWindows({ windowMs: c.windowMs, stepMs: c.stepMs });
      for (const s of c.samples) w.add(s);
      const output: WindowStat[] = [];
      for (const t of c.closeAt) output.push(...w.close(t));
      return {
        output,
        lines: output.map((s) => `${s.endMs} ${s.key} count=${s.count} mean=${s.meanSpeedMps} median=${s.medianSpeedMps}`),
      };
    }
    case 'merge': {
      const network = net(c.network);
      const tracker = new JamTracker(network, { graceMs: c.graceMs });
      const output: JamEvent[] = [];
      for (const step of c.steps) {
        const factors = new Map<number, number>();
        for (const [id, f] of Object.entries(step.jammed)) {
          const s = network.segmentIndexById.get(id);
          if (s === undefined) throw new Error(`unknown segment ${id}`);
          factors.set(s, f);
        }
        const chains = mergeJammed(network, new Set(factors.keys()));
        output.push(...tracker.update(chains, (s) => factors.get(s) ?? 0, step.atMs));
      }
      return { output, lines: output.map((e) => `${e.atMs} ${e.type} ${e.jam.id} ${e.jam.segments.join(',')}`) };
    }
  }
}
