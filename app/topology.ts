/**
 * The shipped topology (decision 0026): how `v2x up` and `v2x backend` lay the backend over
 * processes on this machine. Pure: (what the user asked for, the machine's cores) -> the processes.
 *
 * - edges: the embedded broker and the bridge's uplink, the processes that carry the cars' load,
 *   `max(1, floor(cores / 2))` of them unless `stack.edges` says; several edges share sessions and
 *   routing through Redis (aedes's own clustering);
 * - the services process: the command service with its downlink to the edges, geofencing, traffic,
 *   the dashboard and the REST API, on the public HTTP port. These roles share one process because
 *   they are wired in process: every role pushes to the dashboard's socket.io hub, geofencing's fence
 *   actions go through the command service, and each role's routes are served on one port;
 * - geofencing workers (`stack.instances.geofencing` > 1): more members of the geofencing consumer
 *   group, each evaluating its share of the cars' partitions, on internal ports. With the commands
 *   role in the stack each worker is a command service too (and a downlink to the edges), so the fence
 *   actions of the cars it owns are sent from it (issue 15): without it they were dropped;
 * - traffic workers (`stack.instances.traffic` > 1): more members of the traffic groups, each owning
 *   its share of the cars (matching) and of the roads (detection, decision 0033);
 * - command workers (`stack.instances.commands` > 1): more command services, each with its downlink
 *   session on the edges and the REST API on an internal port, owning its share of the cars'
 *   commands (docs/scale-out-services.md); one can die without taking the public port with it.
 *
 * One process ("backend", every role) when asked (`--single-process`), on a one-core machine, when
 * the cars use an external broker, or when the roles asked for are not the whole broker + bridge pair.
 */
import { BACKEND_ROLES, type BackendRole } from '../backend/config.js';
import { EDGE_NODE_OPTIONS } from './layout.js';

export type ProcessKind = 'edge' | 'services' | 'worker' | 'all';

export interface ProcessSpec {
  /** Unique in the plan: edge-1, edge-2, services, geofencing-2, backend. */
  readonly name: string;
  readonly kind: ProcessKind;
  /** 1-based among the processes of its kind. */
  readonly index: number;
  readonly roles: readonly BackendRole[];
  /** Serves the API and the dashboard on backend.httpPort; the others take internal ports. */
  readonly publicHttp: boolean;
  /** Node options of the child (the edges': EDGE_NODE_OPTIONS). */
  readonly nodeOptions: readonly string[];
}

export interface StackPlan {
  readonly mode: 'single' | 'split';
  /** Why this mode, for the ready screen and the logs. */
  readonly reason: string;
  readonly edges: number;
  /** Several edges: their brokers need Redis to share sessions and routing. */
  readonly clustered: boolean;
  readonly processes: readonly ProcessSpec[];
}

export interface PlanInput {
  /** os.availableParallelism() */
  readonly cores: number;
  /** backend.roles */
  readonly roles: readonly BackendRole[];
  readonly singleProcess: boolean;
  /** 0 = sized to the machine. */
  readonly edges: number;
  readonly instances: { readonly geofencing: number; readonly traffic?: number; readonly commands?: number };
  /** The cars use an external broker (bridge.brokerUrl): no embedded broker, nothing to split. */
  readonly externalBroker: boolean;
}

/** The sizing rule: half the cores to the edges (the other half for the services, Kafka and the fleet). */
export function defaultEdges(cores: number): number {
  return Math.max(1, Math.floor(cores / 2));
}

export function planStack(input: PlanInput): StackPlan {
  const single = (reason: string): StackPlan => ({
    mode: 'single',
    reason,
    edges: input.roles.includes('broker') ? 1 : 0,
    clustered: false,
    processes: [
      // in the CLI's own process: no Node options of its own
      { name: 'backend', kind: 'all', index: 1, roles: [...input.roles], publicHttp: true, nodeOptions: [] },
    ],
  });
  if (input.singleProcess) return single('--single-process');
  if (input.externalBroker) return single('external MQTT broker (bridge.brokerUrl)');
  if (!input.roles.includes('broker') || !input.roles.includes('bridge')) return single('backend.roles without the broker and bridge pair');
  if (input.cores < 2 && input.edges === 0) return single('one core');

  const edges = input.edges > 0 ? input.edges : defaultEdges(input.cores);
  const processes: ProcessSpec[] = [];
  for (let i = 1; i <= edges; i++)
    processes.push({
      name: `edge-${i}`,
      kind: 'edge',
      index: i,
      roles: ['broker', 'bridge'],
      publicHttp: false,
      nodeOptions: EDGE_NODE_OPTIONS,
    });

  const services = BACKEND_ROLES.filter((r) => r !== 'broker' && r !== 'bridge' && input.roles.includes(r));
  if (services.length > 0) {
    // the downlink (a bridge with uplink off) lives beside the command service
    const roles: BackendRole[] = services.includes('commands') ? ['bridge', ...services] : services;
    processes.push({ name: 'services', kind: 'services', index: 1, roles, publicHttp: true, nodeOptions: [] });
  }
  if (input.roles.includes('geofencing')) {
    // fence actions go through an in-process command service (and its downlink)
    const roles: BackendRole[] = input.roles.includes('commands') ? ['bridge', 'commands', 'geofencing'] : ['geofencing'];
    for (let i = 2; i <= input.instances.geofencing; i++)
      processes.push({ name: `geofencing-${i}`, kind: 'worker', index: i, roles, publicHttp: false, nodeOptions: [] });
  }
  if (input.roles.includes('traffic'))
    for (let i = 2; i <= (input.instances.traffic ?? 1); i++)
      processes.push({ name: `traffic-${i}`, kind: 'worker', index: i, roles: ['traffic'], publicHttp: false, nodeOptions: [] });
  if (input.roles.includes('commands'))
    for (let i = 2; i <= (input.instances.commands ?? 1); i++)
      processes.push({
        name: `commands-${i}`,
        kind: 'worker',
        index: i,
        roles: ['bridge', 'commands'],
        publicHttp: false,
        nodeOptions: [],
      });

  // without a services process (roles broker,bridge only) the first edge serves /metrics and /health
  const plan = services.length > 0 ? processes : processes.map((p, i) => (i === 0 ? { ...p, publicHttp: true } : p));
  return {
    mode: 'split',
    reason: input.edges > 0 ? `stack.edges=${edges}` : `${input.cores} cores`,
    edges,
    clustered: edges > 1,
    processes: plan,
  };
}

/** "edge-1 (broker+bridge), edge-2 (broker+bridge), services (bridge+commands+...)" */
export function describePlan(plan: StackPlan): string {
  return plan.processes.map((p) => `${p.name} (${p.roles.join('+')})`).join(', ');
}
