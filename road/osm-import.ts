/**
 * Import of OpenStreetMap XML (`.osm`, as downloaded from the editing API, Overpass `out meta` or
 * osmium; `.gz` accepted), read with saxes (streaming). Nodes and ways become the GeoJSON
 * features the GeoJSON importer reads (highway ways as LineStrings with their tags, nodes tagged
 * highway=traffic_signals as Points), so tags, splitting at shared nodes, one-way, speeds, lanes and
 * the connectivity checks are one code path (geojson-import.ts). Segment ids are `way/<id>:<piece>`
 * (`:r` for the reverse direction). Relations are not used (turn restrictions are not modelled).
 * A way referring to a node missing from the extract (clipped at the bounding box) is cut there,
 * and reported; ways tagged area=yes and deleted elements (visible="false") are skipped.
 */
import { V2xError } from '../core/errors.js';
import type { LonLat } from './geo.js';
import { importGeoJson } from './geojson-import.js';
import { SkipLog, withSource, type ImportOptions, type ImportResult } from './import-common.js';
import { parseXml, readNetworkText } from './xml-read.js';

interface OsmWay {
  readonly id: string;
  readonly refs: string[];
  readonly tags: Record<string, string>;
}

/** Builds a network from the text of an OSM XML file; `where` names it in messages. */
export function importOsm(text: string, where = 'OSM file', options: ImportOptions = {}): ImportResult {
  const coords = new Map<string, LonLat>();
  const signals: LonLat[] = [];
  const ways: OsmWay[] = [];
  let sawOsm = false;
  let node: { id: string; p: LonLat; signal: boolean } | undefined;
  let way: OsmWay | undefined;
  parseXml(text, where, {
    open(name, a, line) {
      if (name === 'osm') sawOsm = true;
      else if (name === 'node') {
        if (a.visible === 'false' || a.id === undefined) return;
        const lat = Number(a.lat);
        const lon = Number(a.lon);
        if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
          throw new V2xError('ROAD_NETWORK_INVALID', `${where}:${line}: node ${a.id}: lat/lon missing or out of range`);
        }
        node = { id: a.id, p: [lon, lat], signal: false };
        coords.set(a.id, node.p);
      } else if (name === 'way') {
        way = a.visible === 'false' || a.id === undefined ? undefined : { id: a.id, refs: [], tags: {} };
      } else if (name === 'nd') {
        if (way !== undefined && a.ref !== undefined) way.refs.push(a.ref);
      } else if (name === 'tag') {
        if (a.k === undefined || a.v === undefined) return;
        if (way !== undefined) way.tags[a.k] = a.v;
        else if (node !== undefined && a.k === 'highway' && a.v === 'traffic_signals') node.signal = true;
      }
    },
    close(name) {
      if (name === 'node') {
        if (node?.signal === true) signals.push(node.p);
        node = undefined;
      } else if (name === 'way') {
        if (way !== undefined && way.tags.highway !== undefined) ways.push(way);
        way = undefined;
      }
    },
  });
  if (!sawOsm) throw new V2xError('ROAD_NETWORK_INVALID', `${where}: not OpenStreetMap XML (no <osm> root element)`);
  if (ways.length === 0) throw new V2xError('ROAD_NETWORK_INVALID', `${where}: no ways tagged highway=*`);

  const skipped = new SkipLog();
  const features: unknown[] = [];
  for (const w of ways) {
    if (w.tags.area === 'yes') {
      skipped.add('area=yes (a square, not a road)', `way/${w.id}`);
      continue;
    }
    // cut at nodes missing from the extract
    const lines: LonLat[][] = [[]];
    let cut = false;
    for (const ref of w.refs) {
      const p = coords.get(ref);
      if (p === undefined) {
        cut = true;
        if ((lines[lines.length - 1] as LonLat[]).length > 0) lines.push([]);
        continue;
      }
      (lines[lines.length - 1] as LonLat[]).push(p);
    }
    if (cut) skipped.add('refers to nodes missing from the extract: cut there', `way/${w.id}`);
    const usable = lines.filter((l) => new Set(l.map((p) => `${p[0]},${p[1]}`)).size >= 2);
    if (usable.length === 0) {
      skipped.add('fewer than two known nodes', `way/${w.id}`);
      continue;
    }
    features.push({
      type: 'Feature',
      id: `way/${w.id}`,
      properties: w.tags,
      geometry: usable.length === 1 ? { type: 'LineString', coordinates: usable[0] } : { type: 'MultiLineString', coordinates: usable },
    });
  }
  for (const p of signals)
    features.push({ type: 'Feature', properties: { highway: 'traffic_signals' }, geometry: { type: 'Point', coordinates: p } });
  const warnings = skipped.lines('way(s)');
  try {
    const r = importGeoJson({ type: 'FeatureCollection', features }, options);
    return { network: r.network, warnings: [...warnings, ...r.warnings] };
  } catch (err) {
    throw withSource(err, where);
  }
}

export function loadOsmFile(path: string, options: ImportOptions = {}): ImportResult {
  return importOsm(readNetworkText(path), path, options);
}
