/**
 * What every importer (GeoJSON, SUMO .net.xml, OpenStreetMap XML) does last: keep the largest
 * strongly connected part of the network with a warning that says why the rest was cut off, or
 * refuse the network, naming its parts, when asked to or when that part is too small.
 */
import { V2xError } from '../core/errors.js';
import { largestStronglyConnected, stronglyConnectedComponents } from './connectivity.js';
import { describeDisconnection } from './connectivity-report.js';
import type { RoadNetwork } from './network.js';

export interface ImportOptions {
  /** What to do when the network is not strongly connected; default 'keep-largest'. */
  readonly onDisconnected?: 'keep-largest' | 'refuse';
  /** Refuse when the largest strongly connected part holds less than this fraction of nodes; default 0.5. */
  readonly minConnectedFraction?: number;
}

export interface ImportResult {
  readonly network: RoadNetwork;
  readonly warnings: readonly string[];
}

export function keepConnected(full: RoadNetwork, warnings: string[], options: ImportOptions): ImportResult {
  const comps = stronglyConnectedComponents(full);
  if (comps.count === 1) return { network: full, warnings };
  const size = comps.sizes[comps.largest] as number;
  const fraction = size / full.nodes.length;
  const report = describeDisconnection(full, comps);
  const detail =
    `network is disconnected: largest strongly connected part holds ${Math.round(fraction * 100)}% of nodes ` +
    `(${size} of ${full.nodes.length}, ${comps.count} parts): ${report.text}`;
  if (options.onDisconnected === 'refuse' || fraction < (options.minConnectedFraction ?? 0.5)) {
    throw new V2xError('ROAD_NETWORK_INVALID', detail, {
      details: { fraction, parts: comps.count, sizes: report.parts.map((p) => p.nodes) },
    });
  }
  const network = largestStronglyConnected(full, comps);
  warnings.push(`${detail}; keeping that part only (${network.segments.length} of ${full.segments.length} segments)`);
  return { network, warnings };
}

/** Counts reasons, keeping a few examples of each, for one warning per reason. */
export class SkipLog {
  readonly #reasons = new Map<string, { n: number; examples: string[] }>();

  add(reason: string, example: string): void {
    const r = this.#reasons.get(reason) ?? { n: 0, examples: [] };
    r.n++;
    if (r.examples.length < 3) r.examples.push(example);
    this.#reasons.set(reason, r);
  }

  /** One line per reason: `<n> <what> skipped: <reason> (e.g. a, b, c)`. */
  lines(what: string): string[] {
    return [...this.#reasons].map(([reason, r]) => `${r.n} ${what} skipped: ${reason} (e.g. ${r.examples.join(', ')})`);
  }
}

/** Re-throws a V2xError with `where` (the file) in front of its detail, once. */
export function withSource(err: unknown, where: string): unknown {
  if (!(err instanceof V2xError)) return err;
  const detail = err.message.replace(/^[^:]*: /, '');
  if (detail.startsWith(where)) return err;
  return new V2xError(err.code, `${where}: ${detail}`, { details: err.details, cause: err });
}
