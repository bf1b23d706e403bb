/**
 * One entry for a road network file, whatever made it: a SUMO network (`.net.xml`), OpenStreetMap
 * XML (`.osm`, `.osm.xml`), or GeoJSON (`.geojson`, `.json`), each optionally `.gz`. The format
 * comes from the name, else from the content (`<net`, `<osm`, `{`).
 */
import { V2xError } from '../core/errors.js';
import { importGeoJsonText } from './geojson-import.js';
import type { ImportOptions, ImportResult } from './import-common.js';
import { importOsm } from './osm-import.js';
import { importSumoNet } from './sumo-net-import.js';
import { readNetworkText } from './xml-read.js';

export type NetworkFormat = 'sumo' | 'osm' | 'geojson';

export function networkFormat(path: string, text: string): NetworkFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.net.xml')) return 'sumo';
  if (name.endsWith('.osm') || name.endsWith('.osm.xml')) return 'osm';
  if (name.endsWith('.geojson') || name.endsWith('.json')) return 'geojson';
  const head = text.slice(0, 4096);
  if (/<net[\s>]/.test(head)) return 'sumo';
  if (/<osm[\s>]/.test(head)) return 'osm';
  if (/^\s*(\uFEFF)?\{/.test(head)) return 'geojson';
  return undefined;
}

export function loadNetworkFile(path: string, options: ImportOptions = {}): ImportResult {
  const text = readNetworkText(path);
  const format = networkFormat(path, text);
  switch (format) {
    case 'sumo':
      return importSumoNet(text, path, options);
    case 'osm':
      return importOsm(text, path, options);
    case 'geojson':
      return importGeoJsonText(text, path, options);
    default:
      throw new V2xError(
        'ROAD_NETWORK_INVALID',
        `${path}: unknown road network format (expected a SUMO .net.xml, OpenStreetMap .osm or GeoJSON file)`,
      );
  }
}
