/**
 * One car as the dashboard's vehicle list shows it (GET /api/vehicles, docs/dashboard.md). Its own
 * file with no imports, so the browser app (backend/dashboard/web) can import the type without
 * pulling Node-typed backend code into its DOM-only type-check.
 */
export interface VehicleSummary {
  readonly vin: string;
  readonly make: string;
  readonly model: string;
  readonly modelYear: number;
  readonly powertrain: string;
  readonly plate?: string;
  readonly online: boolean;
  /** When the backend last heard from the car (status or telemetry), ms. */
  readonly lastSeen: number;
  readonly lat?: number;
  readonly lon?: number;
  readonly speedKmh?: number;
  readonly headingDeg?: number;
}
