/**
 * Real MQTT clients from outside this project for the broker's security tests: Debian's
 * mosquitto_pub and mosquitto_sub (package mosquitto-clients), run as child processes.
 */
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { testKafka } from '../../helpers/kafka.js';
import { backendConfig, startTestBackend } from '../../helpers/backend.js';

export interface ClientRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs mosquitto_pub or mosquitto_sub with `args`; resolves when it exits (killed after `timeoutMs`). */
export function mosquittoClient(tool: 'mosquitto_pub' | 'mosquitto_sub', args: readonly string[], timeoutMs = 20_000): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${tool} did not start (Debian package mosquitto-clients): ${err.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** host and port of an mqtt:// URL, as mosquitto's clients take them. */
export function hostPort(url: string): string[] {
  const u = new URL(url);
  return ['-h', u.hostname, '-p', u.port];
}

/** A backend with the broker and bridge roles and one MQTT service account, on the test Kafka; `url` is its TCP listener. */
export async function startBrokerBackend(t: TestContext, service: { readonly username: string; readonly password: string }) {
  const { brokers } = await testKafka(t);
  const config = backendConfig(brokers, { 'backend.roles': 'broker,bridge', 'mqtt.services': [service] });
  const { backend, kafka } = await startTestBackend(t, config);
  return { config, backend, kafka, url: backend.broker!.tcpUrl };
}
