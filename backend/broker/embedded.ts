/**
 * The embedded MQTT broker: aedes (MQTT 3.1.1) on TCP and on WebSocket (path /mqtt). Built here,
 * started by whoever owns the process; authentication and ACL hooks arrive through aedesOptions.
 * Every listener (TCP, WebSocket, TLS) has the same limits before login (connection-guard.ts):
 * mqtt.maxPacketSize, mqtt.preAuthMaxBytes, and mqtt.preAuthTimeoutMs for each of the TLS
 * handshake, the WebSocket upgrade's headers and the CONNECT.
 */
import type { Duplex } from 'node:stream';
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
import { guardConnection } from './connection-guard.js';
import { redisSeams, withinDeadline } from './redis-cluster.js';
import { localEmitter } from './local-emitter.js';
import { RefusalLog, truncate } from './refusal-log.js';

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

export interface EmbeddedBrokerOptions {
  /** Hears every connection the guard ends (action 'connect', reason packet_too_large, pre_auth_budget...). */
  readonly onRefusal?: (action: 'connect', reason: string) => void;
}

export async function startEmbeddedBroker(
  config: MqttConfig,
  aedesOptions: AedesOptions = {},
  options: EmbeddedBrokerOptions = {},
): Promise<RunningBroker> {
  const tls = tlsServer(config); // first: a bad TLS config is refused before anything is started
  // several edges: sessions and routing shared through Redis (redis-cluster.ts)
  const redis = config.redisUrl === '' ? undefined : redisSeams(config.redisUrl);
  let aedes: Aedes;
  try {
    const creating = Aedes.createBroker({
      connectTimeout: config.preAuthTimeoutMs,
      mq: localEmitter() as unknown as AedesOptions['mq'],
      ...aedesOptions,
      ...redis?.options,
    });
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
  aedes.on('clientError', (client, err) => log.debug({ client: shortId(client.id), err: truncate(err.message, 160) }, 'client error'));
  aedes.on('connectionError', (client, err) =>
    log.debug({ client: shortId(client.id), err: truncate(err.message, 160) }, 'connection error'),
  );
  const drops = new RefusalLog(logger('broker'));
  const limits = { maxPacketSize: config.maxPacketSize, preAuthMaxBytes: config.preAuthMaxBytes };
  const handle = (stream: Duplex, req?: Parameters<typeof aedes.handle>[1]): void => {
    const client = aedes.handle(stream, req);
    guardConnection(
      stream,
      limits,
      () => client.connected,
      (problem) => {
        drops.note('connect', problem.reason, { client: client.id, reason: problem.detail });
        options.onRefusal?.('connect', problem.reason);
      },
    );
  };

  const tcp = createNetServer((socket) => handle(socket));
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket lives at /mqtt\n');
  });
  http.headersTimeout = config.preAuthTimeoutMs;
  // a WebSocket message carries one MQTT packet, or a few: bounded like them, not by ws's 100 MiB default
  const wss = new WebSocketServer({ server: http, path: '/mqtt', maxPayload: 2 * config.maxPacketSize });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => ws.terminate());
    handle(stream, req);
  });

  tls?.on('secureConnection', (socket) => handle(socket));
  // a failed or timed-out handshake (mqtt.preAuthTimeoutMs) ends the connection; Node leaves that to this listener
  tls?.on('tlsClientError', (err, socket) => {
    log.debug({ err: err.message }, 'TLS handshake failed');
    socket.destroy();
  });

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
    return createTlsServer({
      key: read(config.tlsKeyFile, 'mqtt.tlsKeyFile'),
      cert: read(config.tlsCertFile, 'mqtt.tlsCertFile'),
      handshakeTimeout: config.preAuthTimeoutMs,
    });
  } catch (err) {
    if (err instanceof V2xError) throw err;
    throw new V2xError(
      'CONFIG_INVALID',
      `mqtt.tlsKeyFile/mqtt.tlsCertFile are not a usable PEM key and certificate: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

const shortId = (id: string | null | undefined): string | undefined => (id === null || id === undefined ? undefined : truncate(id, 64));

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
