/**
 * The realtime hub: a typed socket.io server on the backend's HTTP server (path /socket.io).
 *   - Handshake: `auth: { token }`, checked against the API's bearer tokens; a missing or unknown
 *     token is refused with a connect_error whose message says which.
 *   - Each client sends 'viewport' when its map moves; every tick (dashboard.tickMs) it gets one
 *     'positions' frame of what is inside its viewport, grouped when zoomed out (frames.ts). A new
 *     viewport gets a frame at once when the client had none for a while, else at the next tick.
 *     Frames go out as volatile messages: a client that cannot keep up skips frames, nothing queues.
 *   - As the services' RealtimeSink it relays 'geofence', 'jam', 'segments', 'command' and
 *     'system' to every connected (so authenticated) client.
 * The per-tick work is one FrameSource (a grid of the fleet's positions) shared by every client.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Clock, TimerHandle } from '../../../core/clock.js';
import { logger } from '../../../core/log.js';
import type { TokenTable } from '../../api/auth.js';
import type { CarTuple, ClientToServerEvents, RealtimeSink, ServerToClientEvents, Viewport } from './events.js';
import { FrameSource, type FrameRules } from './frames.js';
import { checkViewport } from './viewport.js';

const log = logger('realtime');

export interface HubOptions {
  readonly tokens: TokenTable;
  readonly clock: Clock;
  readonly tickMs: number;
  readonly rules: FrameRules;
  /** The map's cars right now (called once per tick). */
  readonly cars: () => readonly CarTuple[];
}

interface ClientData {
  principal: string;
  viewport: Viewport | undefined;
  /** Monotonic ms of the last frame sent. */
  lastFrameAt: number;
}

type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ClientData>;

export interface Hub extends RealtimeSink {
  /** Attaches socket.io to the HTTP server (before it listens). */
  attach(server: HttpServer): void;
  /** Disconnects every client (the HTTP server closes after). */
  disconnectAll(): void;
  readonly clients: number;
  /** Frames sent so far (all clients). */
  readonly framesSent: number;
  close(): Promise<void>;
}

export function createHub(options: HubOptions): Hub {
  const { clock } = options;
  let io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ClientData> | undefined;
  let source: FrameSource | undefined;
  let framesSent = 0;
  let ticker: TimerHandle | undefined;
  const sockets = new Set<HubSocket>();

  const sendFrame = (socket: HubSocket): void => {
    const v = socket.data.viewport;
    if (v === undefined) return;
    source ??= new FrameSource(clock.now(), options.cars(), options.rules);
    socket.volatile.emit('positions', source.frame(v));
    socket.data.lastFrameAt = clock.monotonic();
    framesSent++;
  };

  const tick = (): void => {
    if (sockets.size === 0) {
      source = undefined;
      return;
    }
    source = new FrameSource(clock.now(), options.cars(), options.rules);
    for (const s of sockets) sendFrame(s);
  };

  return {
    attach(server) {
      const created = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, ClientData>(server, {
        path: '/socket.io',
        serveClient: false,
      });
      io = created;
      created.use((socket, next) => {
        const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
        if (typeof token !== 'string' || token === '') {
          next(new Error('unauthorized: no token (connect with auth: { token })'));
          return;
        }
        try {
          const p = options.tokens.authenticate(`Bearer ${token}`);
          socket.data = { principal: p.id, viewport: undefined, lastFrameAt: Number.NEGATIVE_INFINITY };
          next();
        } catch {
          next(new Error('unauthorized: unknown token'));
        }
      });
      created.on('connection', (socket) => {
        sockets.add(socket);
        log.debug({ principal: socket.data.principal, clients: sockets.size }, 'dashboard connected');
        socket.on('viewport', (raw: unknown) => {
          const r = checkViewport(raw);
          if (!r.ok) {
            log.debug({ principal: socket.data.principal, problem: r.problem }, 'viewport refused');
            return;
          }
          socket.data.viewport = r.viewport;
          // a fresh view answers at once unless the client just had a frame (then: the next tick)
          if (clock.monotonic() - socket.data.lastFrameAt >= options.tickMs / 2) sendFrame(socket);
        });
        socket.on('disconnect', () => sockets.delete(socket));
      });
      ticker = clock.setInterval(tick, options.tickMs);
    },
    emit(event, ...args) {
      io?.emit(event, ...args);
    },
    disconnectAll() {
      io?.disconnectSockets(true);
      sockets.clear();
    },
    get clients() {
      return sockets.size;
    },
    get framesSent() {
      return framesSent;
    },
    async close() {
      ticker?.cancel();
      ticker = undefined;
      const s = io;
      io = undefined;
      if (s === undefined) return;
      s.disconnectSockets(true);
      sockets.clear();
      // engine only: the HTTP server belongs to fastify, which closes it
      s.engine.close();
    },
  };
}
