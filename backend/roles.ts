/**
 * The service roles beyond broker, bridge and commands: each is a module that starts from a
 * RoleContext and hands back its HTTP routes, an optional socket.io attachment and its close.
 * app.ts starts them in the order of SERVICE_ROLES after the command service (so a role can send
 * commands) and closes them in reverse. Adding a role = one file under backend/services/<name>/
 * exporting a ServiceRole, one entry here, and its name in BACKEND_ROLES (backend/config.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { DeepReadonly } from '../core/config/load.js';
import type { RoadNetwork } from '../road/network.js';
import type { TokenTable } from './api/auth.js';
import type { RouteHook } from './http.js';
import type { KafkaClient } from './kafka/types.js';
import type { BridgeMetrics } from './metrics/bridge-metrics.js';
import type { RealtimeSink } from './dashboard/hub/events.js';
import type { CommandService } from './services/commands/service.js';
import type { BackendConfig, BackendRole, BackendSection } from './config.js';
import { dashboardRole } from './dashboard/role.js';
import { geofencingRole } from './services/geofencing/role.js';
import { trafficRole } from './services/traffic/role.js';

/** The road network the services work on, loaded once on first call (given by the application). */
export type NetworkSource = () => RoadNetwork;

export interface RoleContext<S extends BackendSection = BackendSection> {
  /** Only the sections the role names in ServiceRole.sections. */
  readonly config: DeepReadonly<Pick<BackendConfig, S>>;
  /** The road network (traffic and dashboard); throws when the application gave none. */
  readonly network: NetworkSource;
  readonly kafka: KafkaClient;
  /** The process's Prometheus registry and bridge metrics (roles add their own metrics to the registry). */
  readonly metrics: BridgeMetrics;
  /** Pushes to dashboards; a no-op when this process does not run the dashboard role. */
  readonly realtime: RealtimeSink;
  /** The command service when this process runs the `commands` role. */
  readonly commands: CommandService | undefined;
  /** The API's bearer tokens, parsed once (the HTTP routes check them; the dashboard's socket.io too). */
  readonly tokens: TokenTable;
}

export interface StartedRole {
  /** Registers the role's fastify plugin(s) on the HTTP server before it listens. */
  readonly routes?: RouteHook;
  /** Called with the HTTP server before it listens (socket.io attaches here). */
  attach?(app: FastifyInstance): void;
  /** The dashboard role's hub: once set, every role's ctx.realtime emits through it. */
  readonly realtime?: RealtimeSink;
  /** Merged into /health. */
  health?(): Record<string, unknown>;
  close(): Promise<void>;
}

export interface ServiceRole<S extends BackendSection = BackendSection> {
  readonly name: BackendRole;
  /** The config sections the role is handed. */
  readonly sections: readonly S[];
  start(ctx: RoleContext<S>): Promise<StartedRole>;
}

/** In start order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own section set
export const SERVICE_ROLES: readonly ServiceRole<any>[] = [geofencingRole, trafficRole, dashboardRole];
