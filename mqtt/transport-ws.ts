/**
 * MQTT over WebSocket (`ws://`, `wss://`): brokers are load-tested on that listener too. One
 * WebSocket per session, subprotocol "mqtt", binary frames, no compression; the session sees a
 * Duplex stream (ws's createWebSocketStream) and writes and reads MQTT packets exactly as over TCP.
 * A wss CA file is read once per path.
 */
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { WebSocket, createWebSocketStream, type ClientOptions } from 'ws';
import type { TransportOptions } from './types.js';

const cas = new Map<string, Buffer>();

function caOf(path: string): Buffer {
  let ca = cas.get(path);
  if (ca === undefined) {
    ca = readFileSync(path);
    cas.set(path, ca);
  }
  return ca;
}

/** The URL a session opens: ws[s]://host:port/path. */
export function webSocketUrl(options: TransportOptions): string {
  const scheme = options.tls === undefined ? 'ws' : 'wss';
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const path = options.websocket?.path ?? '/mqtt';
  return `${scheme}://${host}:${options.port}${path.startsWith('/') ? path : `/${path}`}`;
}

/** Opens the WebSocket; `ready` is called on the stream once the handshake is done. */
export function openWebSocket(options: TransportOptions, ready: (stream: Duplex) => void): Duplex {
  const tls = options.tls;
  const wsOptions: ClientOptions = { perMessageDeflate: false, handshakeTimeout: 30_000 };
  if (options.localAddress !== undefined) wsOptions.localAddress = options.localAddress;
  if (tls !== undefined) {
    wsOptions.rejectUnauthorized = tls.rejectUnauthorized ?? true;
    if (tls.ca !== undefined) wsOptions.ca = caOf(tls.ca);
    if (tls.servername !== undefined) (wsOptions as ClientOptions & { servername?: string }).servername = tls.servername;
  }
  const ws = new WebSocket(webSocketUrl(options), 'mqtt', wsOptions);
  const stream = createWebSocketStream(ws);
  ws.once('open', () => {
    const socket = (ws as unknown as { _socket?: { setNoDelay?: (on: boolean) => void } })._socket;
    socket?.setNoDelay?.(true);
    ready(stream);
  });
  return stream;
}
