/**
 * The `commands` backend role: starts the command service and hands its routes to the HTTP server.
 * Routes are registered before the service is up; until then they answer NOT_READY (503).
 */
import type { DeepReadonly } from '../../../core/config/load.js';
import type { BackendConfig } from '../../config.js';
import { V2xError } from '../../../core/errors.js';
import { API_V1 } from '../../api/route.js';
import { plugin, type RouteHook } from '../../http.js';
import type { KafkaClient } from '../../kafka/types.js';
import type { Registry } from 'prom-client';
import type { HopMetrics } from '../../metrics/hop-metrics.js';
import { commandRoutes } from './routes.js';
import { startCommandService, type CommandService } from './service.js';

export interface CommandsRole {
  readonly routes: RouteHook;
  start(): Promise<CommandService>;
  readonly service: CommandService | undefined;
}

/** `registry`: the process's Prometheus registry; the service's metrics (metrics.ts) go there when given. */
export function commandsRole(
  config: DeepReadonly<Pick<BackendConfig, 'commands' | 'bridge'>>,
  kafka: KafkaClient,
  registry?: Registry,
  hops?: HopMetrics,
): CommandsRole {
  let service: CommandService | undefined;
  const routes = plugin(commandRoutes, {
    prefix: API_V1,
    service: () => {
      if (service === undefined) throw new V2xError('NOT_READY', 'the command service is rebuilding its state');
      return service;
    },
    defaultTtlSeconds: config.commands.defaultTtlSeconds,
    maxTtlSeconds: config.commands.maxTtlSeconds,
  });
  return {
    routes,
    get service() {
      return service;
    },
    async start() {
      service = await startCommandService({
        kafka,
        config: config.commands,
        topicPrefix: config.bridge.topicPrefix,
        topics: config.bridge.topics,
        ...(registry === undefined ? {} : { registry }),
        ...(hops === undefined ? {} : { hops }),
      });
      return service;
    },
  };
}
