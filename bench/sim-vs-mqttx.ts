/**
 * `v2x sim` against its best-known Node.js peer, MQTTX CLI (`mqttx bench pub` and
 * `mqttx simulate -sc tesla`), side by side in one run: the same Debian Mosquitto (a fresh one per
 * tool and size), 1 Hz per client, QoS 1, MQTT 5, the same ramp, the same window. For each tool and
 * client count (5,000 and 15,000 by default), from outside the tool so every tool is measured the
 * same way (bench/lib/tool-run.ts):
 *   - CPU per message: user + system of every process and thread of the tool (/proc), over the
 *     PUBLISH packets the broker received in the window ($SYS);
 *   - messages per second the broker received, against the target (clients x rate);
 *   - memory per client above the fixed overhead: (RSS at N - RSS at --base-clients) / (N - base),
 *     and between the two largest counts (the slope once every heap has grown: the fairer figure);
 *   - the clients the broker counts connected.
 * Ratios v2x / mqttx per count; target (issue 21): v2x at most half of MQTTX bench's CPU per message.
 *
 *   npm run bench -- sim-vs-mqttx [--clients 5000,15000] [--tools v2x,mqttx-bench,mqttx-simulate]
 *        [--warmup 10] [--window 40] [--base-clients 200] [--ramp 1000] [--workers 1] [--mqttx PATH]
 *
 * MQTTX CLI is built from its source by scripts/mqttx/build.sh (never committed); absent, the run
 * stops at once with how to build it. MQTTX bench sends its default 20-byte text payload and
 * simulate a faker-made Tesla JSON (~1 KB); v2x its telemetry JSON: `bytes_per_msg` says which.
 * Last line: JSON with every figure (written to bench/results/sim-vs-mqttx.json by bench/run.ts).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { findMosquitto } from '../infra/mosquitto/launcher.js';
import { numberFlags, stringFlag } from './lib/flags.js';
import { findMqttx, mqttxArgs, type MqttxMode } from './lib/mqttx.js';
import { measureTool, type ToolFigures, type ToolSpec, type ToolTiming } from './lib/tool-run.js';

const f = numberFlags({ warmup: 10, window: 40, baseClients: 200, ramp: 1000, workers: 1, stall: 30 });
const RATE_HZ = 1;
const QOS = 1;
const clientCounts = stringFlag('clients', '5000,15000')
  .split(',')
  .map((s) => Number(s.trim()));
if (clientCounts.some((n) => !Number.isInteger(n) || n <= f.baseClients)) {
  throw new Error(
    `--clients needs whole numbers above --base-clients (${f.baseClients}), comma-separated (got ${stringFlag('clients', '')})`,
  );
}
const TOOLS = ['v2x', 'mqttx-bench', 'mqttx-simulate'] as const;
type Tool = (typeof TOOLS)[number];
const tools = stringFlag('tools', TOOLS.join(',')).split(',') as Tool[];
for (const t of tools) if (!TOOLS.includes(t)) throw new Error(`--tools: unknown tool "${t}" (known: ${TOOLS.join(', ')})`);

const mqttxPath = process.argv.includes('--mqttx') ? stringFlag('mqttx', '') : undefined;
const mqttx = tools.some((t) => t.startsWith('mqttx')) ? findMqttx(mqttxPath) : undefined;
const v2xCli = fileURLToPath(new URL('../cli/run.js', import.meta.url));

function spec(tool: Tool): ToolSpec {
  if (tool === 'v2x') {
    return {
      name: tool,
      args: (host, port, clients) => [
        v2xCli,
        'sim',
        '--broker',
        `mqtt://${host}:${port}`,
        '--cars',
        String(clients),
        '--seed',
        '1',
        '--rate',
        String(RATE_HZ),
        '--qos',
        String(QOS),
        '--mqtt-version',
        '5',
        '--credentials',
        'none',
        '--workers',
        String(f.workers),
        '--ramp-rate',
        String(f.ramp),
        // a starved machine (other work) may hold the ramp still for a minute: the bench's own
        // stall limit (--stall) decides, not the simulator's
        '--connect-timeout',
        String(Math.max(60, f.stall * 4)),
      ],
    };
  }
  const mode: MqttxMode = tool === 'mqttx-bench' ? 'bench' : 'simulate';
  const cli = mqttx!;
  return {
    name: tool,
    args: (host, port, clients) =>
      mqttxArgs(cli, mode, {
        host,
        port,
        clients,
        qos: QOS,
        mqttVersion: 5,
        connectIntervalMs: Math.max(1, Math.round(1000 / f.ramp)),
        messageIntervalMs: 1000 / RATE_HZ,
      }),
  };
}

const timingFor = (clients: number, windowS = f.window, warmupS = f.warmup): ToolTiming => ({
  warmupS,
  windowS,
  stallS: f.stall,
  rampDeadlineS: Math.ceil((clients / f.ramp) * 4) + 60,
});

const mosquittoVersion = ((): string => {
  try {
    return execFileSync(findMosquitto(process.env.PATH), ['-h'], { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch (err) {
    // `mosquitto -h` exits 3 after printing its usage
    const out = (err as { stdout?: string }).stdout ?? '';
    return out.split('\n')[0]?.trim() ?? 'unknown';
  }
})();

console.log(
  `bench sim-vs-mqttx: ${tools.join(', ')} at ${clientCounts.join(', ')} clients, ${RATE_HZ} Hz, QoS ${QOS}, MQTT 5, ` +
    `${mosquittoVersion}; MQTTX CLI ${mqttx?.version ?? '-'}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);

async function attempt(
  tool: Tool,
  clients: number,
  timing: ToolTiming,
): Promise<ToolFigures | { tool: Tool; clients: number; failed: string }> {
  try {
    return await measureTool(spec(tool), clients, RATE_HZ, timing);
  } catch (err) {
    const failed = err instanceof Error ? err.message : String(err);
    console.log(`  ${tool} x ${clients} failed: ${failed}`);
    return { tool, clients, failed };
  }
}

// the fixed overhead: each tool with a few clients, a short window
const base: Partial<Record<Tool, ToolFigures>> = {};
for (const tool of tools) {
  const r = await attempt(tool, f.baseClients, timingFor(f.baseClients, 5, 5));
  if ('failed' in r) throw new Error(`${tool} does not run at ${f.baseClients} clients: ${r.failed}`);
  base[tool] = r;
  console.log(`  ${tool}: ${r.rss_mb} MB at ${r.connected} clients (fixed overhead)`);
}

type Row = ToolFigures & { kb_per_client: number };
const runs: Record<string, Partial<Record<Tool, Row | { failed: string }>>> = {};
const ratios: Record<string, Record<string, number>> = {};
const targetMet: Record<string, boolean | null> = {};
for (const clients of clientCounts) {
  const row: Partial<Record<Tool, Row | { failed: string }>> = {};
  for (const tool of tools) {
    const r = await attempt(tool, clients, timingFor(clients));
    if ('failed' in r) {
      row[tool] = { failed: r.failed };
      continue;
    }
    const b = base[tool]!;
    const kb = ((r.rss_mb - b.rss_mb) * 1024) / Math.max(1, r.connected - b.connected);
    row[tool] = { ...r, kb_per_client: Math.round(kb * 10) / 10 };
    console.log(
      `  ${tool} x ${clients}: ${r.us_per_msg} us/msg (${r.us_per_msg_user} user, ${r.us_per_msg_system} system), ` +
        `${r.msgs_per_s}/${r.target_per_s} msg/s, ${row[tool].kb_per_client} KB/client, ${r.connected} connected, ` +
        `${r.bytes_per_msg} B/msg, Mosquitto ${r.mosquitto_us_per_msg} us/msg${r.note === undefined ? '' : ` (${r.note})`}`,
    );
  }
  runs[String(clients)] = row;
  const v = row.v2x;
  const out: Record<string, number> = {};
  for (const peer of ['mqttx-bench', 'mqttx-simulate'] as const) {
    const p = row[peer];
    if (v === undefined || 'failed' in v || p === undefined || 'failed' in p) continue;
    const key = peer.replace('-', '_');
    const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
    out[`us_per_msg_v2x_over_${key}`] = ratio(v.us_per_msg, p.us_per_msg);
    out[`kb_per_client_v2x_over_${key}`] = ratio(v.kb_per_client, p.kb_per_client);
    out[`delivered_share_v2x_over_${key}`] = ratio(v.delivered_share, p.delivered_share);
  }
  ratios[String(clients)] = out;
  const r = out.us_per_msg_v2x_over_mqttx_bench;
  targetMet[String(clients)] = r === undefined ? null : r <= 0.5;
}

// memory per client between the two largest counts: both runs past their heaps' growth, so the
// slope is what one more client costs (against --base-clients it also holds the young generations
// each V8 isolate grows under load: one per thread, three in v2x, one in MQTTX)
const marginal: Partial<Record<Tool, number>> = {};
const [lo, hi] = [...clientCounts].sort((a, b) => a - b).slice(-2);
if (lo !== undefined && hi !== undefined && lo !== hi) {
  for (const tool of tools) {
    const a = runs[String(lo)]?.[tool];
    const b = runs[String(hi)]?.[tool];
    if (a === undefined || b === undefined || 'failed' in a || 'failed' in b || b.connected <= a.connected) continue;
    marginal[tool] = Math.round((((b.rss_mb - a.rss_mb) * 1024) / (b.connected - a.connected)) * 10) / 10;
  }
  const v = marginal.v2x;
  for (const peer of ['mqttx-bench', 'mqttx-simulate'] as const) {
    const p = marginal[peer];
    if (v !== undefined && p !== undefined && p > 0)
      ratios[`${lo}-${hi}`] = {
        ...ratios[`${lo}-${hi}`],
        [`kb_per_client_marginal_v2x_over_${peer.replace('-', '_')}`]: Math.round((v / p) * 100) / 100,
      };
  }
  console.log(`memory per client from ${lo} to ${hi} clients: ${tools.map((t) => `${t} ${marginal[t] ?? '-'} KB`).join(', ')}`);
}

for (const clients of clientCounts) {
  const r = ratios[String(clients)]!;
  console.log(
    `${clients} clients: v2x/mqttx-bench CPU per message ${r.us_per_msg_v2x_over_mqttx_bench ?? '-'} (target <= 0.5), ` +
      `v2x/mqttx-simulate ${r.us_per_msg_v2x_over_mqttx_simulate ?? '-'}; memory per client ${r.kb_per_client_v2x_over_mqttx_bench ?? '-'} / ${r.kb_per_client_v2x_over_mqttx_simulate ?? '-'}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'sim-vs-mqttx',
    broker: mosquittoVersion,
    mqttx: mqttx === undefined ? null : `MQTTX CLI ${mqttx.version}, built from source (scripts/mqttx/build.sh)`,
    rate_hz: RATE_HZ,
    qos: QOS,
    mqtt_version: 5,
    warmup_s: f.warmup,
    window_s: f.window,
    ramp_per_s: f.ramp,
    v2x_workers: f.workers,
    base_clients: f.baseClients,
    base: Object.fromEntries(Object.entries(base).map(([k, b]) => [k, { connected: b.connected, rss_mb: b.rss_mb }])),
    runs,
    kb_per_client_marginal: lo !== undefined && hi !== undefined && lo !== hi ? { between: [lo, hi], ...marginal } : null,
    ratios,
    target: 'us_per_msg_v2x_over_mqttx_bench <= 0.5',
    target_met: targetMet,
  }),
);
