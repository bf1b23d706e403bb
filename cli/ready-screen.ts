/**
 * What `v2x up` shows a person at a terminal once the stack is up: a short screen (where the
 * dashboard, the API, MQTT and the metrics are, the demo tokens, the processes) and then one live
 * status line (cars connected, telemetry per second, processes running). Piped or redirected, it
 * prints the plain lines scripts and tests read instead (`v2x ready in ...`, `dashboard: ...`).
 */
import type { Stack } from './stack.js';
import { describeLayout, describeStack } from './stack.js';

export interface ReadyInfo {
  readonly stack: Stack;
  readonly seconds: number;
  /** Where the API tokens are configured (never the tokens: docs/security.md). */
  readonly tokens: string | undefined;
  /** "1000 cars on the built-in city -> mqtt://..." or undefined when there is no simulator. */
  readonly simulator: string | undefined;
}

const localhost = (url: string): string => url.replace('//127.0.0.1:', '//localhost:').replace('//0.0.0.0:', '//localhost:');

/** The plain lines (stdout not a terminal): one fact per line, stable prefixes. */
export function plainReadyLines(info: ReadyInfo): string[] {
  const { stack } = info;
  const lines = [`v2x ready in ${info.seconds.toFixed(1)}s: ${describeStack(stack)} | Ctrl-C to stop`];
  if (stack.roles.has('dashboard')) lines.push(`dashboard: ${localhost(stack.httpUrl)}/`);
  if (info.tokens !== undefined) lines.push(`tokens: ${info.tokens}`);
  lines.push(`processes: ${describeLayout(stack)}`);
  lines.push(info.simulator === undefined ? 'simulator: off (--cars 0)' : `simulator: ${info.simulator}`);
  return lines;
}

/** The screen (stdout a terminal). */
export function readyScreen(info: ReadyInfo): string[] {
  const { stack } = info;
  const http = localhost(stack.httpUrl);
  const rows: [string, string][] = [];
  if (stack.roles.has('dashboard')) rows.push(['dashboard', `${http}/`]);
  if (stack.roles.has('commands')) rows.push(['API', `${http}/api/v1  (OpenAPI: ${http}/api/docs)`]);
  if (info.tokens !== undefined) rows.push(['tokens', info.tokens]);
  if (stack.mqttUrls.length > 0) rows.push(['MQTT', stack.mqttUrls.join('  ')]);
  rows.push(['metrics', `${http}/metrics  ${http}/health`]);
  rows.push(['Kafka', `${stack.kafka.brokers.join(',')}${stack.kafka.owned ? '' : ' (external)'}`]);
  rows.push(['backend', describeLayout(stack)]);
  rows.push(['simulator', info.simulator ?? 'off (--cars 0)']);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return [
    '',
    `  v2x is up (${info.seconds.toFixed(1)} s)`,
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}${v}`),
    '',
    '  Ctrl-C to stop',
    '',
  ];
}

export interface StatusSample {
  readonly cars: number;
  readonly connected: number;
  /** Telemetry messages the fleet has sent, in total. */
  readonly telemetry: number;
  readonly running: number;
  readonly processes: number;
  readonly restarts: number;
}

/** "cars 812/1000 | 950 msg/s | processes 3/3 | restarts 1" from two samples `seconds` apart. */
export function statusText(now: StatusSample, before: StatusSample | undefined, seconds: number): string {
  const parts: string[] = [];
  if (now.cars > 0) {
    parts.push(`cars ${now.connected}/${now.cars}`);
    const rate = before === undefined || seconds <= 0 ? 0 : Math.max(0, (now.telemetry - before.telemetry) / seconds);
    parts.push(`${Math.round(rate)} msg/s`);
  }
  parts.push(`processes ${now.running}/${now.processes}`);
  if (now.restarts > 0) parts.push(`restarts ${now.restarts}`);
  return parts.join(' | ');
}
