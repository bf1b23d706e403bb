/**
 * Export of the network as GeoJSON for the backend and the dashboard, so every part sees the same
 * roads under the same segment ids. One LineString Feature per directed segment (feature id = segment
 * id) with the OSM-style tags the importer reads back (highway, maxspeed, lanes, oneway=yes, name,
 * segmentId), so an exported city imports again with the same ids; plus one Point per signalised node.
 */
import type { RoadNetwork } from './network.js';

export interface SegmentFeatureProperties {
  readonly segmentId: string;
  readonly from: string;
  readonly to: string;
  readonly roadClass: string;
  readonly highway: string;
  readonly name: string;
  readonly lanes: number;
  readonly freeFlowMps: number;
  readonly maxspeed: string;
  readonly lengthM: number;
  readonly oneway: 'yes';
}

export interface SegmentFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly geometry: { readonly type: 'LineString'; readonly coordinates: readonly (readonly [number, number])[] };
  readonly properties: SegmentFeatureProperties;
}

export interface SignalFeature {
  readonly type: 'Feature';
  readonly id: string;
  readonly geometry: { readonly type: 'Point'; readonly coordinates: readonly [number, number] };
  readonly properties: { readonly highway: 'traffic_signals'; readonly nodeId: string };
}

export interface NetworkGeoJson {
  readonly type: 'FeatureCollection';
  readonly features: readonly (SegmentFeature | SignalFeature)[];
}

const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export function exportGeoJson(network: RoadNetwork): NetworkGeoJson {
  const features: (SegmentFeature | SignalFeature)[] = [];
  for (const s of network.segments) {
    features.push({
      type: 'Feature',
      id: s.id,
      geometry: { type: 'LineString', coordinates: s.geometry.map((p) => [round(p[0], 7), round(p[1], 7)] as const) },
      properties: {
        segmentId: s.id,
        from: network.nodes[s.from]?.id ?? '',
        to: network.nodes[s.to]?.id ?? '',
        roadClass: s.roadClass,
        highway: s.highway,
        name: s.name,
        lanes: s.lanes,
        freeFlowMps: round(s.freeFlowMps, 3),
        maxspeed: String(round(s.freeFlowMps * 3.6, 1)),
        lengthM: round(s.lengthM, 1),
        oneway: 'yes',
      },
    });
  }
  for (const n of network.nodes) {
    if (!n.signal) continue;
    features.push({
      type: 'Feature',
      id: `signal:${n.id}`,
      geometry: { type: 'Point', coordinates: [round(n.lon, 7), round(n.lat, 7)] },
      properties: { highway: 'traffic_signals', nodeId: n.id },
    });
  }
  return { type: 'FeatureCollection', features };
}
