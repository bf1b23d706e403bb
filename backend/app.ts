/**
 * createBackend(config, kafka) builds the backend roles this process runs, not yet started;
 * start() brings them up and returns handles and addresses; close() stops them in reverse order.
 * Roles: `broker` (embedded aedes with per-car auth and ACL), `bridge` (MQTT <-> Kafka), `commands`
 * (the remote command service and its REST API, backend/services/commands/role.ts). With both,
 * the bridge takes car messages straight from the broker's publish hook, so a car's PUBACK waits
 * for Kafka's acknowledgement. The service roles (geofencing, traffic, dashboard) come from
 * backend/roles.ts and start after the command service.
 */
import type { AddressInfo } from 'node:net';
import type { DeepReadonly } from '../core/config/load.js';
import { pickSections, type BackendConfig } from './config.js';
import { V2xError } from '../core/errors.js';
import { logger } from '../core/log.js';
import { startBridge, type Bridge } from './bridge/bridge.js';
import { startExternalSource } from './bridge/external-source.js';
import { brokerHooks } from './broker/hooks.js';
import { embeddedPublisher } from './broker/embedded-publisher.js';
import { startEmbeddedBroker, type RunningBroker } from './broker/embedded.js';
import { parseTokens } from './api/auth.js';
import { buildHttp } from './http.js';
import { ensureContractTopics } from './kafka/topics.js';
import type { KafkaClient } from './kafka/types.js';
import { createBridgeMetrics, type BridgeMetrics } from './metrics/bridge-metrics.js';
import { commandsRole } from './services/commands/role.js';
import type { CommandService } from './services/commands/service.js';
import { transitionMessage } from './services/commands/realtime.js';
import type { RouteHook } from './http.js';
import { nullRealtimeSink, type RealtimeSink } from './dashboard/hub/events.js';
import { SERVICE_ROLES, type NetworkSource, type StartedRole } from './roles.js';

export interface RunningBackend {
  readonly broker: RunningBroker | undefined;
  readonly bridge: Bridge | undefined;
  readonly metrics: BridgeMetrics;
  /** The command service when this process runs the `commands` role. */
  readonly commands: CommandService | undefined;
  /** The service roles (geofencing, traffic, dashboard) this process started, by name. */
  readonly services: ReadonlyMap<string, StartedRole>;
  readonly httpUrl: string;
  /** This process's /health fields. */
  health(): Record<string, unknown>;
  close(): Promise<void>;
}

/** The whole stack's /metrics and /health, served instead of this process's own (decision 0026). */
export interface StackViewSource {
  metrics(): Promise<string>;
  health(): Promise<Record<string, unknown>>;
}

export interface BackendDeps {
  /** The backend's own sections of the root config (app/config-schema.ts). */
  readonly config: DeepReadonly<BackendConfig>;
  readonly kafka: KafkaClient;
  /** The road network, for the traffic and dashboard roles: the application decides where it comes from. */
  readonly network?: NetworkSource;
  /** Fresh registry per backend (tests run several in one process). */
  readonly metrics?: BridgeMetrics;
  /** On the public port of a multi-process stack: every process's metrics and health. */
  readonly stackView?: StackViewSource;
}

const log = logger('backend');

/** bridge.brokerUrl: one URL, or several separated by commas (the downlink to several brokers). */
export function brokerUrls(value: string): string[] {
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
}

export function createBackend(deps: BackendDeps): { start(): Promise<RunningBackend> } {
  const { config } = deps;
  const roles = new Set(config.backend.roles);
  if (roles.has('bridge') && !roles.has('broker') && config.bridge.brokerUrl === '') {
    throw new V2xError('CONFIG_INVALID', 'backend.roles has bridge without broker: set bridge.brokerUrl to the external MQTT broker');
  }
  if (roles.has('bridge') && !config.bridge.uplink && (config.bridge.brokerUrl === '' || !config.bridge.commands)) {
    throw new V2xError(
      'CONFIG_INVALID',
      'bridge.uplink=false leaves the bridge only the commands to forward: it needs bridge.commands=true and bridge.brokerUrl (the broker it publishes to)',
    );
  }
  if (roles.has('bridge') && config.bridge.uplink && brokerUrls(config.bridge.brokerUrl).length > 1) {
    throw new V2xError(
      'CONFIG_INVALID',
      `bridge.brokerUrl lists ${brokerUrls(config.bridge.brokerUrl).length} brokers: several are for the command downlink only (bridge.uplink=false)`,
    );
  }
  if (roles.has('broker') && config.bridge.brokerUrl !== '') {
    throw new V2xError(
      'CONFIG_INVALID',
      `bridge.brokerUrl is set (${config.bridge.brokerUrl}): the bridge uses that broker, so leave out the broker role (backend.roles=bridge)`,
    );
  }
  // The API's tokens, parsed once: the HTTP server's routes and the dashboard's socket.io check them.
  const tokens = parseTokens(config.api.tokens);

  return {
    async start() {
      const metrics = deps.metrics ?? createBridgeMetrics();
      const closers: { name: string; close: () => Promise<void> }[] = [];
      const close = async (): Promise<void> => {
        for (const c of closers.splice(0).reverse()) {
          const t0 = performance.now();
          try {
            await c.close();
            log.debug({ part: c.name, ms: Math.round(performance.now() - t0) }, 'closed');
          } catch (err) {
            log.error({ err, part: c.name }, 'close failed');
          }
        }
      };
      try {
        let bridge: Bridge | undefined;
        if (roles.has('bridge')) {
          const admin = await deps.kafka.admin();
          try {
            await ensureContractTopics(admin, config.bridge.topicPrefix, config.bridge.topics);
          } finally {
            await admin.close();
          }
          const b = await startBridge({ kafka: deps.kafka, config: config.bridge, metrics });
          bridge = b;
          closers.push({ name: 'bridge', close: () => b.close() });
        }

        let broker: RunningBroker | undefined;
        if (roles.has('broker')) {
          const hooks = brokerHooks({
            policy: config.mqtt.auth ? { fleetKey: config.mqtt.fleetKey, services: config.mqtt.services } : undefined,
            ...(bridge
              ? { ingest: (_client, packet, receivedAt) => bridge.ingest(packet.topic, packet.payload as Buffer, packet.qos, receivedAt) }
              : {}),
            onRefusal: (action, reason) => metrics.refusals.inc({ action, reason }),
            connectRate: { perSecond: config.mqtt.maxConnectRate, burst: config.mqtt.connectBurst },
            onConnect: (outcome) => metrics.connects.inc({ outcome }),
          });
          const br = await startEmbeddedBroker(config.mqtt, hooks, {
            onRefusal: (action, reason) => metrics.refusals.inc({ action, reason }),
          });
          broker = br;
          br.aedes.on('clientReady', () => metrics.connectedClients.inc());
          br.aedes.on('clientDisconnect', () => metrics.connectedClients.dec());
          closers.push({ name: 'broker', close: () => br.close() });
          if (bridge) await bridge.attachPublisher(embeddedPublisher(br.aedes));
        }

        if (bridge && config.bridge.brokerUrl !== '') {
          const b = bridge;
          const urls = brokerUrls(config.bridge.brokerUrl);
          for (const [i, url] of urls.entries()) {
            const name = urls.length === 1 ? '' : `broker${i + 1}`;
            const source = await startExternalSource({
              url,
              username: config.bridge.username,
              password: config.bridge.password,
              clientId: name === '' ? config.bridge.clientId : `${config.bridge.clientId}-${name}`,
              shareGroup: config.bridge.shareGroup,
              ingest: b.ingest,
              subscribe: config.bridge.uplink,
            });
            closers.push({ name: `external broker ${url}`, close: () => source.close() });
            await b.attachPublisher(source.publisher, name);
          }
        }

        // The command service rebuilds its state before the HTTP server serves its routes.
        const routes: RouteHook[] = [];
        let commands: CommandService | undefined;
        if (roles.has('commands')) {
          const role = commandsRole(config, deps.kafka, metrics.registry, metrics.hops);
          const svc = await role.start();
          commands = svc;
          closers.push({ name: 'commands', close: () => svc.close() });
          routes.push(role.routes);
        }

        // Service roles push to dashboards through one relay, pointed at the hub once it is up.
        let hub: RealtimeSink = nullRealtimeSink;
        const realtime: RealtimeSink = { emit: (event, ...args) => hub.emit(event, ...args) };
        commands?.events.on('transition', (t) => realtime.emit('command', transitionMessage(t)));
        const services = new Map<string, StartedRole>();
        const network: NetworkSource = () => {
          if (deps.network === undefined)
            throw new V2xError(
              'CONFIG_INVALID',
              'the traffic and dashboard roles need a road network, and none was given to createBackend',
            );
          return deps.network();
        };
        for (const role of SERVICE_ROLES) {
          if (!roles.has(role.name)) continue;
          const started = await role.start({
            config: pickSections(config, role.sections),
            kafka: deps.kafka,
            network,
            metrics,
            realtime,
            commands,
            tokens,
          });
          services.set(role.name, started);
          closers.push({ name: role.name, close: () => started.close() });
          if (started.routes) routes.push(started.routes);
          if (started.realtime) hub = started.realtime;
        }

        const health = (): Record<string, unknown> => ({
          roles: [...roles],
          buffered: bridge?.sink.depth ?? 0,
          clients: broker?.aedes.connectedClients ?? 0,
          ...Object.assign({}, ...[...services.values()].map((s) => s.health?.() ?? {})),
        });
        const view = deps.stackView;
        const http = buildHttp({
          routes,
          tokens,
          registry: metrics.registry,
          health: view ? () => view.health() : health,
          ...(view && { metricsText: () => view.metrics() }),
        });
        for (const s of services.values()) s.attach?.(http);
        await http.listen({ host: config.backend.httpHost, port: config.backend.httpPort });
        closers.push({ name: 'http', close: () => http.close() });
        const addr = http.server.address() as AddressInfo;
        const host = config.backend.httpHost === '0.0.0.0' ? '127.0.0.1' : config.backend.httpHost;

        return { broker, bridge, metrics, commands, services, httpUrl: `http://${host}:${addr.port}`, health, close };
      } catch (err) {
        await close();
        throw err;
      }
    },
  };
}
