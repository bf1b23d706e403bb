/**
 * An embedded aedes 1.x broker on a net server on port 0, for the shared session suite. restart()
 * brings a fresh broker up on the same port (sessions and retained messages are lost, as with a
 * restarted Mosquitto without persistence).
 */
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { Aedes, type AuthenticateError } from 'aedes';
import type { TestBroker, TestBrokerOptions } from './suite.js';

export async function startAedes(t: { after(fn: () => Promise<void> | void): void }, options: TestBrokerOptions = {}): Promise<TestBroker> {
  let broker: Aedes | undefined;
  let server: Server | undefined;
  let port = 0;

  const up = async (): Promise<void> => {
    const users = options.users;
    const b = await Aedes.createBroker(
      users === undefined
        ? {}
        : {
            authenticate: (_client, username, password, done) => {
              if (username !== undefined && users[username] !== undefined && password?.toString() === users[username])
                return done(null, true);
              const err = new Error('bad user name or password') as AuthenticateError;
              err.returnCode = 4;
              done(err, false);
            },
          },
    );
    const s = createServer((socket) => b.handle(socket));
    s.listen(port, '127.0.0.1');
    await once(s, 'listening');
    const address = s.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
    broker = b;
    server = s;
  };

  const down = async (): Promise<void> => {
    const b = broker;
    const s = server;
    broker = undefined;
    server = undefined;
    if (b !== undefined) await new Promise<void>((resolve) => b.close(() => resolve()));
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await up();
  t.after(down);
  return {
    name: 'aedes',
    host: '127.0.0.1',
    get port() {
      return port;
    },
    supportsV5: false,
    badPasswordCode: 'MQTT_BAD_CREDENTIALS',
    stop: down,
    restart: up,
  };
}
