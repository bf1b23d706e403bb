/**
 * Ground truth from outside the simulator (issue 20), read into the simulator's own truth records
 * (SegmentTruthRecord) so that the true-jam rule and the truth speeds are the ones of truth.ts:
 *
 * - SUMO edgeData XML (`<meandata><interval begin end><edge id speed sampledSeconds .../>`), as
 *   written by an additional `<edgeData id="truth" file="edgedata.xml" period="10"/>`: one record
 *   per edge and interval; speed = the edge's mean speed (m/s); count = sampledSeconds / period
 *   (the mean number of vehicles on it); an edge missing from an interval, or with no sampled
 *   seconds, had no car (null speed).
 * - CSV with a header `segment,time,speed` (optional `vehicles`): time = the end of the interval
 *   in seconds on the trace's time axis (SUMO's simulation seconds for an FCD trace; epoch seconds
 *   for a CSV trace), speed in m/s (empty = no car). The interval is the smallest gap between one
 *   segment's times (default 10 s when it has one row).
 *
 * Free flow is the network's speed limit for the segment. Segments not in the network are dropped
 * and counted. `toEpochMs` places trace time on the calendar of the live run.
 */
import { V2xError } from '../../core/errors.js';
import type { RoadNetwork } from '../../road/network.js';
import { parseXml, readNetworkText } from '../../road/xml-read.js';
import type { SegmentTruthRecord } from '../../simulator/traffic/ground-truth.js';

export interface ExternalTruth {
  readonly records: SegmentTruthRecord[];
  /** Rows or edges whose segment is not in the network. */
  readonly unknownSegments: number;
  readonly format: 'edgedata' | 'csv';
}

interface Row {
  readonly segmentId: string;
  readonly endS: number;
  readonly windowS: number;
  readonly speed: number | null;
  readonly count: number;
}

const bad = (detail: string): V2xError => new V2xError('CONFIG_INVALID', `truth: ${detail}`);

function parseEdgeData(text: string, where: string): Row[] {
  const rows: Row[] = [];
  let begin = Number.NaN;
  let end = Number.NaN;
  let sawMeandata = false;
  parseXml(text, where, {
    open(name, a, line) {
      if (name === 'meandata') sawMeandata = true;
      else if (name === 'interval') {
        begin = Number(a.begin);
        end = Number(a.end);
        if (!Number.isFinite(begin) || !Number.isFinite(end) || end <= begin)
          throw bad(`${where}:${line}: interval needs begin < end (seconds)`);
      } else if (name === 'edge' && Number.isFinite(end) && a.id !== undefined) {
        const period = end - begin;
        const sampled = Number(a.sampledSeconds ?? '0');
        const speed = a.speed === undefined || !(sampled > 0) ? null : Number(a.speed);
        if (speed !== null && !Number.isFinite(speed)) throw bad(`${where}:${line}: edge ${a.id}: speed must be a number`);
        rows.push({ segmentId: a.id, endS: end, windowS: period, speed, count: Number.isFinite(sampled) ? sampled / period : 0 });
      }
    },
  });
  if (!sawMeandata) throw bad(`${where}: not SUMO edgeData (no <meandata> root element)`);
  return rows;
}

function parseCsv(text: string, where: string): Row[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const col = (n: string): number => header.indexOf(n);
  const [iSeg, iTime, iSpeed, iVeh] = [col('segment'), col('time'), col('speed'), col('vehicles')];
  if (iSeg < 0 || iTime < 0 || iSpeed < 0) throw bad(`${where}: the header must name segment, time and speed (got ${lines[0] ?? ''})`);
  const raw: { segmentId: string; endS: number; speed: number | null; count: number }[] = [];
  for (let k = 1; k < lines.length; k++) {
    const l = (lines[k] as string).trim();
    if (l === '' || l.startsWith('#')) continue;
    const f = l.split(',').map((x) => x.trim());
    const t = Number(f[iTime]);
    const sp = f[iSpeed] ?? '';
    const speed = sp === '' ? null : Number(sp);
    if (!Number.isFinite(t)) throw bad(`${where}:${k + 1}: time must be seconds (got ${f[iTime] ?? ''})`);
    if (speed !== null && !(Number.isFinite(speed) && speed >= 0))
      throw bad(`${where}:${k + 1}: speed must be m/s >= 0 or empty (got ${sp})`);
    const veh = iVeh < 0 ? (speed === null ? 0 : 1) : Number(f[iVeh] ?? '0');
    raw.push({ segmentId: f[iSeg] ?? '', endS: t, speed, count: Number.isFinite(veh) ? veh : 0 });
  }
  const gaps = new Map<string, number>();
  const lastT = new Map<string, number>();
  for (const r of [...raw].sort((a, b) => a.endS - b.endS)) {
    const p = lastT.get(r.segmentId);
    if (p !== undefined && r.endS > p) gaps.set(r.segmentId, Math.min(gaps.get(r.segmentId) ?? Infinity, r.endS - p));
    lastT.set(r.segmentId, r.endS);
  }
  return raw.map((r) => ({ ...r, windowS: gaps.get(r.segmentId) ?? 10 }));
}

/** Reads a truth file (format from the name or content), keeps the network's segments. */
export function loadExternalTruth(path: string, network: RoadNetwork, toEpochMs: (traceMs: number) => number): ExternalTruth {
  const text = readNetworkText(path);
  const xml = /^\s*(<\?xml|<)/.test(text.slice(0, 200));
  const rows = xml ? parseEdgeData(text, path) : parseCsv(text, path);
  if (rows.length === 0) throw bad(`${path}: no truth rows`);
  let unknownSegments = 0;
  const records: SegmentTruthRecord[] = [];
  for (const r of rows) {
    const s = network.segmentIndexById.get(r.segmentId);
    if (s === undefined) {
      unknownSegments++;
      continue;
    }
    records.push({
      type: 'segment',
      t: r.endS,
      timeMs: toEpochMs(r.endS * 1000),
      windowS: r.windowS,
      segmentId: r.segmentId,
      count: r.count,
      meanSpeedMps: r.speed,
      freeFlowMps: network.segFreeFlow[s] as number,
    });
  }
  if (records.length === 0)
    throw bad(
      `${path}: none of its ${rows.length} rows names a segment of the network (ids must be the network's segment ids, e.g. SUMO edge ids)`,
    );
  return { records, unknownSegments, format: xml ? 'edgedata' : 'csv' };
}
