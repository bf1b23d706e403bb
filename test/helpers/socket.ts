/** A dashboard's socket.io client for tests: typed, websocket only, no reconnection, closed in t.after. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../backend/dashboard/hub/events.js';

export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects to the backend at `url` with `token`; resolves once connected (rejects on a refused handshake). */
export async function dashboardSocket(t: { after(fn: () => unknown): void }, url: string, token: string): Promise<DashboardSocket> {
  const socket: DashboardSocket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  t.after(() => socket.close());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}
