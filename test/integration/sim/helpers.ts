/**
 * Helpers of the simulator's integration tests: settings from flags (the same validation as the
 * CLI), a simulation run in this process that the test stops, an observer MQTT client that collects
 * what the cars send, and the CLI as a child process (killed in t.after).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import mqtt, { type MqttClient } from 'mqtt';
import { loadConfig } from '../../../core/config/load.js';
import { resolveSimSettings, simConfigSchema, type SimSettings } from '../../../simulator/config.js';
import { Simulation } from '../../../simulator/runtime/simulation.js';
import type { SimSummary } from '../../../simulator/runtime/summary.js';
import { decode, type Status } from '../../../protocol/index.js';

type After = { after(fn: () => Promise<void> | void): void };

const schema = Type.Object({ sim: simConfigSchema });

export function simSettings(flags: Record<string, unknown>): SimSettings {
  const f: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) f[`sim.${k}`] = v;
  return resolveSimSettings(loadConfig(schema, { flags: f }).sim);
}

export interface RunningSim {
  readonly simulation: Simulation;
  /** Resolves when the run ends by itself (its duration) or is stopped. */
  readonly done: Promise<SimSummary>;
  /** Stops the run and resolves with its summary. */
  stop(): Promise<SimSummary>;
}

export function runSim(t: After, settings: SimSettings): RunningSim {
  const simulation = new Simulation(settings);
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  const done = simulation.run({ stopRequested });
  done.catch(() => {});
  t.after(async () => {
    requestStop();
    await done.catch(() => undefined);
  });
  return {
    simulation,
    done,
    stop: () => {
      requestStop();
      return done;
    },
  };
}

export interface Received {
  readonly topic: string;
  readonly payload: Buffer;
  readonly packet: mqtt.IPublishPacket;
}

/** An observer client subscribed to `filters`, collecting messages; `waitFor` polls with a deadline. */
export async function observer(
  t: After,
  url: string,
  filters: readonly string[],
  options: mqtt.IClientOptions = {},
): Promise<{ client: MqttClient; messages: Received[]; waitFor(pred: (m: Received) => boolean, timeoutMs?: number): Promise<Received> }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...options });
  t.after(() => client.endAsync(true));
  const messages: Received[] = [];
  const waiters: { pred: (m: Received) => boolean; resolve: (m: Received) => void }[] = [];
  client.on('message', (topic, payload, packet) => {
    const m = { topic, payload, packet };
    messages.push(m);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (w.pred(m)) {
        waiters.splice(i, 1);
        w.resolve(m);
      }
    }
  });
  await client.subscribeAsync([...filters], { qos: 1 });
  return {
    client,
    messages,
    waitFor(pred, timeoutMs = 20_000) {
      const found = messages.find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching message within ${timeoutMs} ms (${messages.length} received)`)),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

export const CLI = fileURLToPath(new URL('../../../cli/run.js', import.meta.url));

export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal). */
  readonly exited: Promise<number | string>;
}

/** Waits until `n` distinct cars have sent a status that `matches`; returns their VINs. */
export async function carsWithStatus(
  obs: { waitFor(pred: (m: Received) => boolean): Promise<Received> },
  n: number,
  matches: (s: Status) => boolean,
): Promise<Set<string>> {
  const vins = new Set<string>();
  await obs.waitFor((m) => {
    const s = decode('status', m.payload);
    if (matches(s)) vins.add(s.vin);
    return vins.size === n;
  });
  return vins;
}

/** `v2x <args>` in a child process, killed (SIGKILL) in t.after if still running. */
export function runCli(t: After, args: readonly string[]): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}
