/**
 * The embedded broker's hooks: who may connect (credentials.ts), what each client may publish and
 * subscribe to (protocol/acl.ts), and the hand-off of every accepted car publish to an ingest
 * function (the bridge) whose promise gates the car's PUBACK. aedes reads a client's next socket
 * chunk only after every packet of the current one is done, so holding the callback is also the
 * push back: a car whose messages are not in Kafka yet is not read from.
 *
 * Refusals are logged and counted. A refused CONNECT gets CONNACK 4 (bad credentials); a refused
 * PUBLISH closes that client's connection (MQTT 3.1.1 has no negative PUBACK: MQTT-3.3.5-2); a
 * refused SUBSCRIBE gets a SUBACK failure code (0x80). Other clients never notice.
 */
import type { AedesOptions, Client, PublishPacket, Subscription } from 'aedes';
import { checkPublish, checkSubscribe, type AclClient } from '../../protocol/index.js';
import { logger } from '../../core/log.js';
import { authenticate, type CredentialPolicy } from '../../protocol/credentials.js';

export interface IngestFn {
  /** Resolves when the message may be acknowledged to the car (it is in Kafka). */
  (client: AclClient, packet: PublishPacket, receivedAt: number): Promise<void>;
}

export interface RefusalCounter {
  (action: 'connect' | 'publish' | 'subscribe', reason: string): void;
}

export interface BrokerHookOptions {
  /** undefined = authentication and ACL off (anyone may do anything; for broker load tests). */
  readonly policy: CredentialPolicy | undefined;
  readonly ingest?: IngestFn;
  readonly onRefusal?: RefusalCounter;
  readonly now?: () => number;
}

const log = logger('broker');
const ANONYMOUS_BACKEND: AclClient = Object.freeze({ role: 'backend' });

export function brokerHooks(options: BrokerHookOptions): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> {
  const principals = new WeakMap<Client, AclClient>();
  const now = options.now ?? Date.now;
  const refuse = (action: 'connect' | 'publish' | 'subscribe', client: Client | null, reason: string): void => {
    log.warn({ action, client: client?.id, reason }, 'refused');
    options.onRefusal?.(action, reasonClass(reason));
  };
  const principalOf = (client: Client | null): AclClient | undefined =>
    options.policy === undefined ? ANONYMOUS_BACKEND : client === null ? undefined : principals.get(client);

  return {
    authenticate(client, username, password, done) {
      if (options.policy === undefined) return done(null, true);
      const r = authenticate(options.policy, username, password);
      if (!r.ok) {
        refuse('connect', client, r.reason);
        const err = Object.assign(new Error(r.reason), { returnCode: 4 as const });
        return done(err, false);
      }
      principals.set(client, r.client);
      done(null, true);
    },

    authorizePublish(client, packet, done) {
      const principal = principalOf(client);
      if (principal === undefined) return done(new Error('no principal for this client'));
      if (options.policy !== undefined) {
        const d = checkPublish(principal, packet.topic);
        if (!d.allow) {
          refuse('publish', client, d.reason);
          return done(new Error(d.reason));
        }
      }
      if (options.ingest === undefined || principal.role === 'backend') return done(null);
      options.ingest(principal, packet, now()).then(
        () => done(null),
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      );
    },

    authorizeSubscribe(client, sub: Subscription, done) {
      if (options.policy === undefined) return done(null, sub);
      const principal = principalOf(client);
      const d =
        principal === undefined ? { allow: false as const, reason: 'no principal for this client' } : checkSubscribe(principal, sub.topic);
      if (!d.allow) {
        refuse('subscribe', client, d.reason);
        return done(null, null);
      }
      done(null, sub);
    },
  };
}

function reasonClass(reason: string): string {
  if (reason.startsWith('bad password')) return 'bad_password';
  if (reason.startsWith('no username')) return 'no_username';
  if (reason.startsWith('username is neither')) return 'unknown_user';
  if (reason.includes('may not')) return 'acl';
  return 'other';
}
