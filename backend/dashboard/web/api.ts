/**
 * The REST client: every call carries the bearer token; a non-2xx answer becomes an ApiError with
 * the backend's error code and message (backend/api/errors.ts renders {code, message, details}).
 */
import type { CommandAccepted, Fence, JamsResponse, Me, NetworkGeoJson, TelemetryList, VehicleDetail } from './types.js';
import type { SegmentsFrame, SystemMetricsMsg } from '../hub/events.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FENCE_FIELDS = ['id', 'name', 'tags', 'enabled', 'geometry', 'vehicles', 'dwellS', 'actions'] as const;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export class Api {
  constructor(
    readonly token: string,
    private readonly base = '',
  ) {}

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (!res.ok) {
      const e = (parsed ?? {}) as { code?: unknown; message?: unknown };
      throw new ApiError(
        res.status,
        typeof e.code === 'string' ? e.code : `HTTP_${res.status}`,
        typeof e.message === 'string' ? e.message : text,
      );
    }
    return parsed as T;
  }

  me(): Promise<Me> {
    return this.request('GET', '/api/v1/me');
  }
  network(): Promise<NetworkGeoJson> {
    return this.request('GET', '/api/v1/network');
  }
  vehicle(vin: string): Promise<VehicleDetail> {
    return this.request('GET', `/api/v1/vehicles/${encodeURIComponent(vin)}`);
  }
  telemetry(vin: string, limit: number): Promise<TelemetryList> {
    return this.request('GET', `/api/v1/vehicles/${encodeURIComponent(vin)}/telemetry?limit=${limit}`);
  }
  system(): Promise<SystemMetricsMsg> {
    return this.request('GET', '/api/v1/system');
  }
  sendCommand(vin: string, type: string, params: Record<string, unknown>): Promise<CommandAccepted> {
    return this.request('POST', `/api/v1/vehicles/${encodeURIComponent(vin)}/commands`, { type, params, ttlSeconds: 60 });
  }
  fences(): Promise<{ items: Fence[] }> {
    return this.request('GET', '/api/v1/fences');
  }
  createFence(fence: Omit<Fence, 'id' | 'enabled'> & { enabled?: boolean }): Promise<Fence> {
    return this.request('POST', '/api/v1/fences', fence);
  }
  /** Sends only the fence's own fields (FenceSchema is closed). */
  updateFence(fence: Fence): Promise<Fence> {
    const body: Record<string, unknown> = {};
    for (const k of FENCE_FIELDS) if (fence[k] !== undefined) body[k] = fence[k];
    return this.request('PUT', `/api/v1/fences/${encodeURIComponent(fence.id)}`, body);
  }
  deleteFence(id: string): Promise<unknown> {
    return this.request('DELETE', `/api/v1/fences/${encodeURIComponent(id)}`);
  }
  jams(): Promise<JamsResponse> {
    return this.request('GET', '/api/v1/jams');
  }
  segments(): Promise<SegmentsFrame> {
    return this.request('GET', '/api/v1/traffic/segments');
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
