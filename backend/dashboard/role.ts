/**
 * The `dashboard` backend role (registered last in backend/roles.ts, so every other role's realtime
 * output has a hub to go to): the fleet state (vehicles store fed from Kafka), the socket.io hub
 * with its positions ticker, the system metrics pushed every second, the REST routes (/me,
 * /vehicles..., /system, /network) and the production bundle on GET /.
 */
import { systemClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { logger } from '../../core/log.js';
import { exportGeoJson } from '../../road/geojson-export.js';
import { API_V1 } from '../api/route.js';
import { plugin } from '../http.js';
import type { SystemMetricsMsg } from './hub/events.js';
import { toCarTuple } from './hub/frames.js';
import { createHub } from './hub/hub.js';
import type { RoleContext, ServiceRole, StartedRole } from '../roles.js';
import { startFleetFeed } from './vehicles/feed.js';
import { vehicleRoutes } from './vehicles/routes.js';
import { VehicleStore } from './vehicles/store.js';
import { dashboardRoutes } from './routes.js';
import { defaultBundleDir, staticRoutes } from './static.js';
import { SystemMeter } from './system-meter.js';

const log = logger('dashboard');

type Sections = 'dashboard' | 'bridge' | 'backend';

export const dashboardRole: ServiceRole<Sections> = {
  name: 'dashboard',
  sections: ['dashboard', 'bridge', 'backend'],
  start: (ctx) => startDashboard(ctx),
};

export async function startDashboard(ctx: RoleContext<Sections>, clock: Clock = systemClock): Promise<StartedRole> {
  const { config } = ctx;
  const dc = config.dashboard;
  const store = new VehicleStore<Uint8Array>({ ringSize: dc.telemetryRing });
  const meter = new SystemMeter(clock.now());
  const feed = await startFleetFeed({
    kafka: ctx.kafka,
    store,
    topicPrefix: config.bridge.topicPrefix,
    groupId: dc.groupId,
    clock,
    onMessage: (_kind, latencyMs) => meter.message(latencyMs),
  });

  const hub = createHub({
    tokens: ctx.tokens,
    clock,
    tickMs: dc.tickMs,
    rules: { clusterZoom: dc.clusterZoom, cellPx: dc.clusterCellPx, maxCars: dc.maxCarsPerFrame },
    cars: () => {
      const out = [];
      for (const p of store.positions()) out.push(toCarTuple(p.vin, p.telemetry));
      return out;
    },
  });

  // system metrics: the bridge's own message counter when its uplink runs in this process (in the
  // split stack the services process has only the command downlink: the fleet feed counts instead)
  const bridgeHere = config.backend.roles.includes('bridge') && config.bridge.uplink;
  const bridgeTotal = async (): Promise<number> => (await ctx.metrics.recordsIn.get()).values.reduce((s, v) => s + v.value, 0);
  let lastBridge = bridgeHere ? await bridgeTotal() : 0;
  let latest: SystemMetricsMsg = { t: clock.now(), msgPerS: 0, kafkaLag: 0, latencyP99Ms: 0, connectedCars: store.onlineCount };
  let measuring = false;
  const measure = async (): Promise<void> => {
    if (measuring) return;
    measuring = true;
    try {
      const kafkaLag = await feed.lag().catch((err: unknown) => {
        log.debug({ err }, 'Kafka lag not available');
        return latest.kafkaLag;
      });
      let messages: number | undefined;
      if (bridgeHere) {
        const total = await bridgeTotal();
        messages = total - lastBridge;
        lastBridge = total;
      }
      latest = meter.take(clock.now(), {
        kafkaLag,
        connectedCars: store.onlineCount,
        hops: ctx.metrics.hops.window.take(),
        ...(messages === undefined ? {} : { messages }),
      });
      hub.emit('system', latest);
    } finally {
      measuring = false;
    }
  };
  const systemTimer: TimerHandle = clock.setInterval(() => void measure(), dc.systemMs);

  let network: string | undefined;
  const networkJson = (): string => {
    network ??= JSON.stringify(exportGeoJson(ctx.network()));
    return network;
  };

  const api = plugin(vehicleRoutes, { prefix: API_V1, store });
  const own = plugin(dashboardRoutes, { prefix: API_V1, system: () => latest, network: networkJson });
  const bundle = plugin(staticRoutes, { dir: dc.staticDir === '' ? defaultBundleDir() : dc.staticDir });
  log.info({ cars: store.size, online: store.onlineCount, tickMs: dc.tickMs }, 'dashboard started');

  return {
    routes: (app) => {
      api(app);
      own(app);
      bundle(app);
    },
    attach(app) {
      hub.attach(app.server);
      // open websockets would hold the HTTP server's close: end them first
      app.addHook('preClose', (done) => {
        hub.disconnectAll();
        done();
      });
    },
    realtime: hub,
    health: () => ({ dashboard: { cars: store.size, online: store.onlineCount, clients: hub.clients, refused: feed.refused } }),
    async close() {
      systemTimer.cancel();
      await hub.close();
      await feed.close();
    },
  };
}
