/**
 * The brokers of a run, from the scenario or from `--broker` values: a URL (mqtt://, mqtts://),
 * `embedded` (the project's aedes broker, started in a child process for the run) or `mosquitto`
 * (the Debian mosquitto binary started by infra/mosquitto/launcher.ts on a free port). A broker
 * started here is stopped by `close()`; a URL is left alone. Flag brokers get the credentials and
 * the service account of the scenario's first broker.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { V2xError } from '../../core/errors.js';
import { spawnMosquitto } from '../../infra/mosquitto/launcher.js';
import type { BrokerTarget, LoadScenario } from '../scenario/scenario.js';

export interface StartedBroker {
  readonly target: BrokerTarget;
  /** The process id of a broker started here (for restart hooks: V2X_BROKER_PID). */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export const BROKER_KEYWORDS = ['embedded', 'mosquitto'] as const;

/** `--broker` values (or none: the scenario's brokers) as the brokers to run against, not yet started. */
export function brokerTargets(scenario: LoadScenario, flags: readonly string[]): BrokerTarget[] {
  if (flags.length === 0) return [...scenario.brokers];
  const base = scenario.brokers[0];
  const credentials = base?.credentials ?? { mode: 'fleet-key' as const, fleetKey: 'v2x-demo-fleet-key' };
  const service = base?.service === undefined ? {} : { service: base.service };
  const names = new Set<string>();
  return flags.map((value) => {
    let target: BrokerTarget;
    if ((BROKER_KEYWORDS as readonly string[]).includes(value)) {
      target = { name: value === 'embedded' ? 'aedes' : 'mosquitto', url: value, credentials, tls: undefined, ...service };
    } else {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new V2xError('CLI_USAGE', `--broker ${JSON.stringify(value)}: expected a URL (mqtt://host:port), "embedded" or "mosquitto"`);
      }
      if (!/^(mqtt|mqtts|tcp|ssl|tls):$/.test(url.protocol)) {
        throw new V2xError(
          'CLI_USAGE',
          `--broker ${value}: unsupported scheme ${url.protocol} (use mqtt://, mqtts://, embedded or mosquitto)`,
        );
      }
      const same = scenario.brokers.find((b) => b.url === value);
      target = same ?? { name: url.host, url: value, credentials, tls: undefined, ...service };
    }
    let name = target.name;
    for (let n = 2; names.has(name); n++) name = `${target.name}-${n}`;
    names.add(name);
    if (name !== target.name) target = { ...target, name };
    return target;
  });
}

/** Starts `embedded` and `mosquitto` targets; a URL target is returned as is. */
export async function startBroker(target: BrokerTarget, env: Readonly<Record<string, string | undefined>> = {}): Promise<StartedBroker> {
  if (target.url === 'mosquitto') {
    const m = await spawnMosquitto({ searchPath: env['PATH'] ?? '', extraConfig: ['max_queued_messages 100000'], readyTimeoutMs: 20_000 });
    return { target: { ...target, url: m.url }, pid: m.pid, close: () => m.dispose() };
  }
  if (target.url === 'embedded') return startEmbedded(target);
  return { target, pid: undefined, close: () => Promise.resolve() };
}

async function startEmbedded(target: BrokerTarget): Promise<StartedBroker> {
  const child = fork(fileURLToPath(new URL('./embedded-broker-process.js', import.meta.url)), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new V2xError('MQTT_BROKER_FAILED', 'the embedded broker did not start within 20 s')), 20_000);
      child.once('message', (m: unknown) => {
        clearTimeout(t);
        const url = (m as { url?: unknown } | null)?.url;
        if (typeof url === 'string') resolve(url);
        else reject(new V2xError('MQTT_BROKER_FAILED', 'the embedded broker sent no URL'));
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new V2xError('MQTT_BROKER_FAILED', `the embedded broker exited (${code}) before it was ready`));
      });
    });
    return { target: { ...target, url }, pid: child.pid, close };
  } catch (err) {
    await close();
    throw err;
  }
}
