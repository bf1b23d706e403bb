/**
 * Fences as GeoJSON Features, the format of the golden fixtures and of map tools: a Polygon or
 * MultiPolygon feature is that fence; a Point feature with `properties.radiusM` is a circle; a
 * LineString feature with `properties.widthM` is a corridor. The other fence fields (id, name,
 * tags, enabled, vehicles, dwellS, actions) are properties; `feature.id` is used when
 * `properties.id` is absent. Every feature is validated (GEOFENCE_INVALID naming the feature).
 */
import { V2xError } from '../../../core/errors.js';
import { issueToGeofenceError, validateFence } from './validate.js';
import type { Fence } from './schema.js';

export interface FenceFeature {
  readonly type: 'Feature';
  readonly id?: string | number;
  readonly geometry: { readonly type: string; readonly coordinates: unknown };
  readonly properties: Readonly<Record<string, unknown>> | null;
}

export interface FenceFeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: readonly FenceFeature[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The fence-shaped object a feature stands for (not yet validated). */
export function featureToFenceInput(feature: unknown): Record<string, unknown> {
  if (!isRecord(feature) || feature.type !== 'Feature' || !isRecord(feature.geometry))
    throw new V2xError('GEOFENCE_INVALID', 'a fence feature must be a GeoJSON Feature with a geometry', { details: { reason: 'schema' } });
  const { radiusM, widthM, ...props } = isRecord(feature.properties) ? feature.properties : {};
  const g = feature.geometry;
  const id = props.id ?? (feature.id === undefined ? undefined : String(feature.id));
  let geometry: unknown = g;
  if (g.type === 'Point') geometry = { type: 'Circle', center: g.coordinates, radiusM };
  else if (g.type === 'LineString') geometry = { type: 'Corridor', coordinates: g.coordinates, widthM };
  return { ...props, ...(id === undefined ? {} : { id }), geometry };
}

/** A validated fence from a feature; throws GEOFENCE_INVALID. */
export function featureToFence(feature: unknown): Fence {
  const r = validateFence(featureToFenceInput(feature));
  if (r.ok) return r.value;
  throw issueToGeofenceError(r.issue);
}

/** Validated fences from a FeatureCollection; throws GEOFENCE_INVALID naming the feature index. */
export function collectionToFences(collection: unknown): Fence[] {
  if (!isRecord(collection) || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features))
    throw new V2xError('GEOFENCE_INVALID', 'expected a GeoJSON FeatureCollection', { details: { reason: 'schema' } });
  return collection.features.map((f: unknown, i: number) => {
    try {
      return featureToFence(f);
    } catch (err) {
      if (err instanceof V2xError)
        throw new V2xError('GEOFENCE_INVALID', `features[${i}]: ${err.message}`, { details: err.details, cause: err });
      throw err;
    }
  });
}

/** A fence as a GeoJSON Feature (circles as Point + radiusM, corridors as LineString + widthM). */
export function fenceToFeature(fence: Fence): FenceFeature {
  const { geometry: g, ...props } = fence;
  if (g.type === 'Circle')
    return {
      type: 'Feature',
      id: fence.id,
      geometry: { type: 'Point', coordinates: g.center },
      properties: { ...props, radiusM: g.radiusM },
    };
  if (g.type === 'Corridor')
    return {
      type: 'Feature',
      id: fence.id,
      geometry: { type: 'LineString', coordinates: g.coordinates },
      properties: { ...props, widthM: g.widthM },
    };
  return { type: 'Feature', id: fence.id, geometry: g, properties: props };
}
