/**
 * The embedded broker's hooks: who may connect (credentials.ts), what each client may publish and
 * subscribe to (protocol/acl.ts), and the hand-off of every accepted car publish to an ingest
 * function (the bridge) whose promise gates the car's PUBACK. aedes reads a client's next socket
 * chunk only after every packet of the current one is done, so holding the callback is also the
 * push back: a car whose messages are not in Kafka yet is not read from.
 *
 * Before anything else a CONNECT takes a token of the connect-rate limit (connect-rate.ts,
 * mqtt.maxConnectRate): when there is none it gets CONNACK 3 (server unavailable) at once, before
 * its credentials are looked at, and the client backs off and tries again (a herd after a broker
 * restart comes in at the configured rate). aedes 1.2 speaks MQTT 3.1.1 only, so there is no MQTT 5
 * 0x89 (server busy) to send.
 *
 * Refusals are logged (identifiers cut short, rate-limited: refusal-log.ts) and counted. A refused
 * CONNECT gets CONNACK 4 (bad credentials), or 2 (identifier rejected) when the client id is not
 * the one the account may use (client-id.ts: a car's is its VIN); a refused PUBLISH closes that
 * client's connection (MQTT 3.1.1 has no negative PUBACK: MQTT-3.3.5-2); a refused SUBSCRIBE gets
 * a SUBACK failure code (0x80). Other clients never notice.
 *
 * Retained messages: a car may retain only its status (retained by design, with its last will).
 * The retain flag of a car's telemetry, events or command results is cleared (the message still
 * flows, nobody gets it as a retained message later) and counted as reason `retain`.
 */
import type { AedesOptions, Client, PublishPacket, Subscription } from 'aedes';
import { checkPublish, checkSubscribe, inspectTopic, kindInfo, type AclClient } from '../../protocol/index.js';
import { logger } from '../../core/log.js';
import { V2xError } from '../../core/errors.js';
import { authenticate, type CredentialPolicy } from '../../protocol/credentials.js';
import { clientIdProblem, serviceAccountProblem } from './client-id.js';
import { RefusalLog, type RefusalLogOptions } from './refusal-log.js';
import { connectRateLimit, type ConnectRateOptions } from './connect-rate.js';

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
  /** Rate and length limits of the refusal log lines (defaults: 1 line per reason per second, 64 characters). */
  readonly refusalLog?: RefusalLogOptions;
  /** CONNECTs accepted per second and at once (mqtt.maxConnectRate, mqtt.connectBurst); undefined or 0 per second = no limit. */
  readonly connectRate?: ConnectRateOptions;
  /** Monotonic milliseconds for the connect-rate limit (default performance.now). */
  readonly monotonic?: () => number;
  /** Hears every CONNECT that reached authentication (after aedes's protocol checks), accepted or refused. */
  readonly onConnect?: (outcome: 'accepted' | 'refused') => void;
}

const ANONYMOUS_BACKEND: AclClient = Object.freeze({ role: 'backend' });

export function brokerHooks(options: BrokerHookOptions): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> {
  for (const s of options.policy?.services ?? []) {
    const problem = serviceAccountProblem(s.username);
    if (problem !== undefined) throw new V2xError('CONFIG_INVALID', problem);
  }
  // made here, not when the module loads, so that it writes where logging is configured by then
  const refusals = new RefusalLog(logger('broker'), options.refusalLog);
  const principals = new WeakMap<Client, AclClient>();
  const now = options.now ?? Date.now;
  const bucket =
    options.connectRate === undefined ? undefined : connectRateLimit(options.connectRate, options.monotonic ?? (() => performance.now()));
  const rateReason =
    bucket === undefined
      ? ''
      : `connect rate above mqtt.maxConnectRate (${bucket.perSecond}/s, burst ${bucket.burst}): server unavailable, retry later`;
  const refuse = (
    action: 'connect' | 'publish' | 'subscribe',
    client: Client | null,
    reason: string,
    extra: { username?: string | undefined; topic?: string } = {},
  ): void => {
    const cls = reasonClass(reason);
    refusals.note(action, cls, { client: client?.id, reason, ...extra });
    options.onRefusal?.(action, cls);
  };
  const refuseConnect = (client: Client, reason: string, username: string | undefined): void => {
    refuse('connect', client, reason, { username });
    options.onConnect?.('refused');
  };
  const principalOf = (client: Client | null): AclClient | undefined =>
    options.policy === undefined ? ANONYMOUS_BACKEND : client === null ? undefined : principals.get(client);

  return {
    authenticate(client, username, password, done) {
      if (bucket !== undefined && !bucket.take()) {
        refuseConnect(client, rateReason, username);
        return done(Object.assign(new Error(rateReason), { returnCode: 3 as const }), false);
      }
      if (options.policy === undefined) {
        options.onConnect?.('accepted');
        return done(null, true);
      }
      const r = authenticate(options.policy, username, password);
      if (!r.ok) {
        refuseConnect(client, r.reason, username);
        return done(Object.assign(new Error(r.reason), { returnCode: 4 as const }), false);
      }
      const idProblem = clientIdProblem(r.client, r.name, client.id);
      if (idProblem !== undefined) {
        refuseConnect(client, idProblem, username);
        return done(Object.assign(new Error(idProblem), { returnCode: 2 as const }), false);
      }
      principals.set(client, r.client);
      options.onConnect?.('accepted');
      done(null, true);
    },

    authorizePublish(client, packet, done) {
      const principal = principalOf(client);
      if (principal === undefined) return done(new Error('no principal for this client'));
      if (options.policy !== undefined) {
        const d = checkPublish(principal, packet.topic);
        if (!d.allow) {
          refuse('publish', client, d.reason, { topic: packet.topic });
          return done(new Error(d.reason));
        }
        if (packet.retain && principal.role === 'car' && !mayRetain(packet.topic)) {
          refuse('publish', client, RETAIN_REASON, { topic: packet.topic });
          packet.retain = false;
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
        refuse('subscribe', client, d.reason, { topic: sub.topic });
        return done(null, null);
      }
      done(null, sub);
    },
  };
}

const RETAIN_REASON = 'retain flag cleared: a car may retain only its status';

/** A car may set the retain flag only on the kinds retained by design: its status (protocol/kinds.ts). */
function mayRetain(topic: string): boolean {
  const parsed = inspectTopic(topic);
  return !('problem' in parsed) && kindInfo[parsed.kind].retained;
}

function reasonClass(reason: string): string {
  if (reason === RETAIN_REASON) return 'retain';
  if (reason.startsWith('connect rate above')) return 'connect_rate';
  if (reason.includes('client id')) return 'client_id';
  if (reason.startsWith('bad password')) return 'bad_password';
  if (reason.startsWith('no username')) return 'no_username';
  if (reason.startsWith('username is neither')) return 'unknown_user';
  if (reason.includes('may not')) return 'acl';
  return 'other';
}
