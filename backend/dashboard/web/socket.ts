/**
 * The socket.io connection to the hub, typed by the shared contract. WebSocket only: the backend
 * serves it on the same origin, and long-polling would only double the bytes of position frames.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../hub/events.js';

export type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectHub(token: string): HubSocket {
  return io({ path: '/socket.io', auth: { token }, transports: ['websocket'], reconnectionDelayMax: 5000 });
}
