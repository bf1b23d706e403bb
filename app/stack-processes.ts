/**
 * The processes of a split stack plan (app/topology.ts), started and supervised: each process's
 * config from app/layout.ts (the edges first, so the services' downlink knows their addresses), the
 * public process serving the whole stack's /metrics and /health. Used by `v2x up` / `v2x backend`
 * (cli/stack.ts) and by the cluster tests, so both run the same wiring.
 */
import { availableParallelism } from 'node:os';
import { lowerPriority } from '../core/niceness.js';
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from './config-schema.js';
import type { configureLogging } from '../core/log.js';
import { logger } from '../core/log.js';
import { downlinkAccount, processConfig } from './layout.js';
import { startBackendProcess, type BackendProcess, type ForwardedTransition, type StackView } from './backend-process.js';
import { startSupervisor, type Supervisor } from './supervisor.js';
import { planStack, type StackPlan, type ProcessSpec } from './topology.js';

type LogLevel = NonNullable<Parameters<typeof configureLogging>[0]>;

export interface StackProcesses {
  readonly supervisor: Supervisor;
  /** Every edge's MQTT over TCP address, in plan order. */
  readonly edgeUrls: readonly string[];
  /** The process on the public HTTP port. */
  readonly publicProcess: BackendProcess;
  /** The first edge (its WebSocket and TLS ports). */
  readonly firstEdge: BackendProcess | undefined;
}

export interface StackProcessOptions {
  /** Redis the edges cluster through ('' with one edge). */
  readonly redisUrl: string;
  readonly logLevel: LogLevel;
  readonly logFormat: 'json' | 'pretty';
  /** Told before each process's first start. */
  readonly onStarting?: (spec: ProcessSpec) => void;
  /** The command service's transitions, forwarded by the process that runs it (the benchmarks' observer). */
  readonly onTransition?: (t: ForwardedTransition) => void;
}

const log = logger('stack');

/** stack.servicesNice: a process that cannot be reniced (no permission) runs on at its priority, said once in the log. */
function renice(pid: number, nice: number, name: string): void {
  try {
    lowerPriority(pid, nice);
  } catch (err) {
    log.warn({ pid, nice, error: (err as Error).message }, `${name}: could not set niceness ${nice}`);
  }
}

/** The plan of `config` on this machine: what `v2x up` / `v2x backend` run (stack.* and backend.roles). */
export function planForConfig(config: DeepReadonly<Config>, cores: number = availableParallelism()): StackPlan {
  return planStack({
    cores,
    roles: config.backend.roles,
    singleProcess: config.stack.singleProcess,
    edges: config.stack.edges,
    instances: config.stack.instances,
    externalBroker: config.bridge.brokerUrl !== '',
  });
}

export async function startStackProcesses(
  config: DeepReadonly<Config>,
  plan: StackPlan,
  options: StackProcessOptions,
): Promise<StackProcesses> {
  const account = downlinkAccount();
  const edgeUrls: string[] = [];
  // the public process may ask for the view while the others are still starting
  const running: { supervisor?: Supervisor } = {};
  const stackView = async (): Promise<StackView> => {
    const s = running.supervisor;
    if (s === undefined) return { metrics: '', health: { starting: true } };
    const [metrics, health] = await Promise.all([s.metrics(), s.health()]);
    return { metrics, health };
  };
  const supervisor = await startSupervisor({
    specs: plan.processes,
    restartMaxMs: config.stack.restartMaxMs,
    start: async (spec, previous, signal) => {
      if (previous === undefined) options.onStarting?.(spec);
      const wiring = { account, edgeUrls, redisUrl: options.redisUrl, ...(previous && { previous }) };
      const p = await startBackendProcess(processConfig(config, spec, wiring), {
        logLevel: options.logLevel,
        logFormat: options.logFormat,
        execArgv: spec.nodeOptions,
        signal,
        ...(spec.publicHttp && { stackView }),
        ...(options.onTransition !== undefined && spec.roles.includes('commands') && { onTransition: options.onTransition }),
      });
      if (spec.kind === 'edge' && previous === undefined && p.mqttUrl !== undefined) edgeUrls.push(p.mqttUrl);
      if (spec.kind !== 'edge' && config.stack.servicesNice > 0) renice(p.pid, config.stack.servicesNice, spec.name);
      return p;
    },
  });
  running.supervisor = supervisor;
  const pub = supervisor.processes.find((p) => p.spec.publicHttp)?.current;
  if (pub === undefined) {
    await supervisor.stop();
    throw new Error('the stack plan has no process on the public HTTP port');
  }
  return { supervisor, edgeUrls, publicProcess: pub, firstEdge: supervisor.processes.find((p) => p.spec.kind === 'edge')?.current };
}
