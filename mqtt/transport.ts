/**
 * Opens the byte stream under a session: TCP (optionally from a chosen local address, to spread
 * thousands of connections over 127.0.0.x source addresses and their ephemeral port ranges) or TLS
 * with a CA file. The CA file is read once per path and one secure context is shared by every
 * session using it, so 10,000 TLS cars do not parse the same PEM 10,000 times.
 *
 * WebSocket (ws://, wss://) is in transport-ws.ts; the session sees a Duplex whichever it is.
 *
 * Plain TCP reads go through `onread` into one buffer shared by every socket of the worker thread
 * (the callback consumes each read synchronously): no Buffer allocated and no stream machinery run
 * per read. TLS sockets cannot do that and deliver 'data' events instead.
 */
import { connect as netConnect, type OnReadOpts, type Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { openWebSocket } from './transport-ws.js';
import type { TransportOptions } from './types.js';

/** The byte stream under a session: a TCP or TLS socket, or a WebSocket's stream. */
export type Connection = Duplex;

const contexts = new Map<string, SecureContext>();
let sharedReadBuffer: Buffer | undefined;

/** The read buffer all plain TCP sockets of this thread share (64 KB). */
function sharedBuffer(): Buffer {
  return (sharedReadBuffer ??= Buffer.allocUnsafeSlow(64 * 1024));
}

/** True when the socket delivers reads through `onread` rather than 'data' events. */
function usesOnRead(options: TransportOptions): boolean {
  return options.tls === undefined;
}

function secureContextFor(caFile: string | undefined): SecureContext | undefined {
  if (caFile === undefined) return undefined;
  let ctx = contexts.get(caFile);
  if (ctx === undefined) {
    ctx = createSecureContext({ ca: readFileSync(caFile) });
    contexts.set(caFile, ctx);
  }
  return ctx;
}

/** The event that says the stream is ready for CONNECT: 'connect' for TCP, 'secureConnect' for TLS. */
function readyEvent(options: TransportOptions): 'connect' | 'secureConnect' {
  return options.tls === undefined ? 'connect' : 'secureConnect';
}

function openTransport(options: TransportOptions, onread: OnReadOpts): Socket {
  if (options.tls === undefined) {
    const socket =
      options.localAddress === undefined
        ? netConnect({ host: options.host, port: options.port, noDelay: true, onread })
        : netConnect({ host: options.host, port: options.port, localAddress: options.localAddress, noDelay: true, onread });
    return socket;
  }
  const tls = options.tls;
  const secureContext = secureContextFor(tls.ca);
  const opts: ConnectionOptions = {
    host: options.host,
    port: options.port,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
  const servername = tls.servername ?? (/^[\d.:]+$/.test(options.host) ? undefined : options.host);
  if (servername !== undefined) opts.servername = servername;
  if (secureContext !== undefined) opts.secureContext = secureContext;
  if (options.localAddress !== undefined) (opts as { localAddress?: string }).localAddress = options.localAddress;
  const socket = tlsConnect(opts);
  socket.setNoDelay(true);
  return socket;
}

/** What a connection reports, each with its socket so a session can ignore a superseded one. */
export interface ConnectionSink {
  /** Ready for CONNECT. */
  onOpen(socket: Connection): void;
  /** `buf` may be the thread's shared read buffer: consume it synchronously. */
  onBytes(socket: Connection, buf: Buffer, n: number): void;
  onSocketError(socket: Connection, err: Error): void;
  onClosed(socket: Connection): void;
}

/** Opens a connection reporting to `sink`: one set of listeners per connection, none per read. */
export function openConnection(options: TransportOptions, sink: ConnectionSink): Connection {
  if (options.websocket !== undefined) {
    const stream = openWebSocket(options, (s) => sink.onOpen(s));
    stream.on('data', (chunk: Buffer) => sink.onBytes(stream, chunk, chunk.length));
    stream.on('error', (err: Error) => sink.onSocketError(stream, err));
    stream.on('close', () => sink.onClosed(stream));
    return stream;
  }
  const onread: OnReadOpts = {
    buffer: sharedBuffer(),
    // Reads start once openTransport has returned, so `own` is set by then.
    callback: (n: number, buf: Uint8Array): boolean => {
      sink.onBytes(own, buf as Buffer, n);
      return true;
    },
  };
  const own = openTransport(options, onread);
  own.on(readyEvent(options), () => sink.onOpen(own));
  if (!usesOnRead(options)) own.on('data', (chunk: Buffer) => sink.onBytes(own, chunk, chunk.length));
  own.on('error', (err: Error) => sink.onSocketError(own, err));
  own.on('close', () => sink.onClosed(own));
  return own;
}
