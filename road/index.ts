/** The road network: generation, import, export, spatial lookup and routing. */
export { generateCity, DEFAULT_CENTRE, type CityOptions } from './city.js';
export { importGeoJson, loadGeoJsonFile, type ImportOptions, type ImportResult } from './geojson-import.js';
export { exportGeoJson, type NetworkGeoJson, type SegmentFeature, type SignalFeature } from './geojson-export.js';
export {
  createNetwork,
  segmentById,
  toSpecs,
  ROAD_CLASSES,
  type RoadClass,
  type RoadNetwork,
  type RoadNode,
  type RoadSegment,
  type RoadNodeSpec,
  type RoadSegmentSpec,
} from './network.js';
export { stronglyConnectedComponents, largestStronglyConnected, type Components } from './connectivity.js';
export { SegmentIndex, type NearestQuery, type NearestResult } from './spatial-index.js';
export { Router, type RouteQuery } from './routing.js';
export { distanceM, bearingDeg, angleDiffDeg, LocalProjection, type LonLat } from './geo.js';
