/**
 * The embedded MQTT broker: aedes (MQTT 3.1.1) on TCP and on WebSocket (path /mqtt). Built here,
 * started by whoever owns the process; authentication and ACL hooks arrive through aedesOptions.
 */
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { V2xError } from '../../core/errors.js';
import { logger } from '../../core/log.js';
import type { DeepReadonly } from '../../core/config/load.js';
import type { BackendConfig } from '../config.js';
import { withRetainedIndex, type RetainedStore } from './retained-index.js';
import { redisSeams, withinDeadline } from './redis-cluster.js';

export type MqttConfig = DeepReadonly<BackendConfig['mqtt']>;

export interface RunningBroker {
  readonly aedes: Aedes;
  readonly tcpPort: number;
  readonly wsPort: number;
  /** The TLS listener's port, when key and certificate files were given. */
  readonly tlsPort: number | undefined;
  /** URLs a client on this machine can use. */
  readonly tcpUrl: string;
  readonly wsUrl: string;
  readonly tlsUrl: string | undefined;
  close(): Promise<void>;
}

const log = logger('broker');

export async function startEmbeddedBroker(config: MqttConfig, aedesOptions: AedesOptions = {}): Promise<RunningBroker> {
  const tls = tlsServer(config); // first: a bad TLS config is refused before anything is started
  // several edges: sessions and routing shared through Redis (redis-cluster.ts)
  const redis = config.redisUrl === '' ? undefined : redisSeams(config.redisUrl);
  let aedes: Aedes;
  try {
    const creating = Aedes.createBroker({ ...aedesOptions, ...redis?.options });
    aedes = redis ? await withinDeadline(creating, config.redisUrl, 15_000) : await creating;
  } catch (err) {
    const mq = redis?.options.mq as { close(cb: () => void): void } | undefined;
    await new Promise<void>((resolve) => (mq ? mq.close(() => resolve()) : resolve()));
    await redis?.close();
    throw err;
  }
  // A car's SUBSCRIBE to its own topics finds its retained messages by topic, not by a scan of all.
  // (aedes sets `persistence` on the instance; its types do not declare it)
  if (aedesOptions.persistence === undefined) withRetainedIndex((aedes as unknown as { persistence: RetainedStore }).persistence);
  aedes.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'client error'));
  aedes.on('connectionError', (client, err) => log.debug({ client: client.id, err: err.message }, 'connection error'));

  const tcp = createNetServer((socket) => aedes.handle(socket));
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket lives at /mqtt\n');
  });
  const wss = new WebSocketServer({ server: http, path: '/mqtt' });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate());
    aedes.handle(stream, req);
  });

  tls?.on('secureConnection', (socket) => aedes.handle(socket));
  tls?.on('tlsClientError', (err) => log.debug({ err: err.message }, 'TLS handshake failed'));

  try {
    await listen(tcp, config.port, config.host, 'mqtt.port');
    await listen(http, config.wsPort, config.host, 'mqtt.wsPort');
    if (tls) await listen(tls, config.tlsPort, config.host, 'mqtt.tlsPort');
  } catch (err) {
    await closeServer(tcp);
    await closeServer(http);
    if (tls) await closeServer(tls);
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await redis?.close();
    throw err;
  }
  const tcpPort = (tcp.address() as AddressInfo).port;
  const wsPort = (http.address() as AddressInfo).port;
  const tlsPort = tls ? (tls.address() as AddressInfo).port : undefined;
  const clientHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  log.info({ tcpPort, wsPort, tlsPort, redis: config.redisUrl || undefined }, 'embedded MQTT broker listening');

  let closing: Promise<void> | undefined;
  return {
    aedes,
    tcpPort,
    wsPort,
    tcpUrl: `mqtt://${clientHost}:${tcpPort}`,
    wsUrl: `ws://${clientHost}:${wsPort}/mqtt`,
    tlsPort,
    tlsUrl: tlsPort === undefined ? undefined : `mqtts://${clientHost === '127.0.0.1' ? 'localhost' : clientHost}:${tlsPort}`,
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        await Promise.all([
          closeServer(tcp),
          closeServer(http),
          ...(tls ? [closeServer(tls)] : []),
          new Promise<void>((resolve) => aedes.close(() => resolve())),
        ]);
        await redis?.close();
      })();
      return closing;
    },
  };
}

/** The TLS listener when both files are configured; a missing or unreadable file is refused by name. */
function tlsServer(config: MqttConfig): TlsServer | undefined {
  if (config.tlsKeyFile === '' && config.tlsCertFile === '') return undefined;
  if (config.tlsKeyFile === '' || config.tlsCertFile === '') {
    throw new V2xError('CONFIG_INVALID', 'mqtt.tlsKeyFile and mqtt.tlsCertFile go together: set both for a TLS listener, or neither');
  }
  const read = (file: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new V2xError('CONFIG_INVALID', `${key}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  try {
    return createTlsServer({ key: read(config.tlsKeyFile, 'mqtt.tlsKeyFile'), cert: read(config.tlsCertFile, 'mqtt.tlsCertFile') });
  } catch (err) {
    if (err instanceof V2xError) throw err;
    throw new V2xError(
      'CONFIG_INVALID',
      `mqtt.tlsKeyFile/mqtt.tlsCertFile are not a usable PEM key and certificate: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function listen(server: NetServer | HttpServer | TlsServer, port: number, host: string, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why =
        err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use (set ${key} to a free port, or 0 to pick one)` : err.message;
      reject(new V2xError('MQTT_BROKER_FAILED', why, { cause: err, details: { key, port } }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: NetServer | HttpServer | TlsServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}
