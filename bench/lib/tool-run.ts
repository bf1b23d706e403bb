/**
 * One load tool measured against its own fresh Mosquitto (`sys_interval 1`): the tool runs as a
 * child process; its ramp is over when the broker counts every client connected (or the count stops
 * growing); after a warm-up, a window between two $SYS ticks gives the PUBLISH packets the broker
 * received, and /proc gives the CPU (user and system, every process and thread of the tool) and the
 * resident memory of the tool, and the broker's own CPU, over exactly that window.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { spawnMosquitto } from '../../infra/mosquitto/launcher.js';
import { watchSys, type SysTick } from './mosquitto-sys.js';
import { sampleTree } from './proc-tree.js';

export interface ToolSpec {
  readonly name: string;
  /** The argv after `node` for a broker at host:port and this many clients. */
  args(host: string, port: number, clients: number): string[];
}

export interface ToolTiming {
  readonly warmupS: number;
  readonly windowS: number;
  /** Give up the ramp when the connected count has not grown for this long. */
  readonly stallS: number;
  /** Give up the ramp after this long whatever happens. */
  readonly rampDeadlineS: number;
}

export interface ToolFigures {
  readonly tool: string;
  readonly clients: number;
  /** Clients the broker counted connected at the end of the window, and the fewest during it. */
  readonly connected: number;
  readonly connected_min: number;
  readonly ramp_s: number;
  readonly window_s: number;
  /** PUBLISH packets the broker received per second over the window, and the target (clients x rate). */
  readonly msgs_per_s: number;
  readonly target_per_s: number;
  readonly delivered_share: number;
  /** Bytes the broker received per PUBLISH (packets of every kind over PUBLISH count: payload and overhead). */
  readonly bytes_per_msg: number;
  readonly us_per_msg: number;
  readonly us_per_msg_user: number;
  readonly us_per_msg_system: number;
  /** CPU of the tool over the window, in cores (1 = one core busy). */
  readonly cores: number;
  readonly rss_mb: number;
  readonly processes: number;
  readonly mosquitto_us_per_msg: number;
  readonly mosquitto_rss_mb: number;
  readonly load_avg_1m: number;
  /** Set when the tool did not connect every client or stopped publishing: why. */
  readonly note?: string;
}

const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Runs `spec` with `clients` clients at `rateHz` and measures it; always stops the tool and the broker. */
export async function measureTool(spec: ToolSpec, clients: number, rateHz: number, timing: ToolTiming): Promise<ToolFigures> {
  const broker = await spawnMosquitto({ readyTimeoutMs: 20_000, extraConfig: ['sys_interval 1'] });
  const sys = await watchSys(broker.url);
  const child = spawn(process.execPath, spec.args(broker.host, broker.port, clients), { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');
  const died = (): string | undefined =>
    child.exitCode !== null || child.signalCode !== null
      ? `${spec.name} exited (${String(child.exitCode ?? child.signalCode)}): ${tail.slice(-1500)}`
      : undefined;
  const brokerPid = broker.pid ?? 0;
  const t0 = performance.now();
  try {
    // ramp
    let best = 0;
    let lastGain = t0;
    let tick: SysTick = sys.last();
    for (;;) {
      tick = await sys.next();
      const dead = died();
      if (dead !== undefined) throw new Error(dead);
      if (tick.connected > best) {
        best = tick.connected;
        lastGain = tick.at;
      }
      const quiet = (tick.at - lastGain) / 1000;
      if (best >= clients || (best >= 0.98 * clients && quiet >= 5)) break;
      if (quiet >= timing.stallS || (tick.at - t0) / 1000 >= timing.rampDeadlineS) break;
    }
    const rampS = (tick.at - t0) / 1000;
    console.log(`  ${spec.name} x ${clients}: ${best} connected after ${round(rampS)} s; warm-up ${timing.warmupS} s`);
    while ((tick.at - t0) / 1000 < rampS + timing.warmupS) tick = await sys.next();
    // window: from one $SYS tick to another
    const start = { tick, tool: sampleTree(child.pid ?? 0), broker: sampleTree(brokerPid) };
    let minConnected = tick.connected;
    while ((tick.at - start.tick.at) / 1000 < timing.windowS) {
      tick = await sys.next();
      minConnected = Math.min(minConnected, tick.connected);
      const dead = died();
      if (dead !== undefined) throw new Error(dead);
    }
    const end = { tick, tool: sampleTree(child.pid ?? 0), broker: sampleTree(brokerPid) };
    const secs = (end.tick.at - start.tick.at) / 1000;
    const msgs = end.tick.received - start.tick.received;
    const per = (cpuS: number): number => (msgs > 0 ? round((cpuS * 1e6) / msgs) : 0);
    const user = end.tool.userS - start.tool.userS;
    const system = end.tool.systemS - start.tool.systemS;
    const brokerCpu = end.broker.userS + end.broker.systemS - (start.broker.userS + start.broker.systemS);
    const target = clients * rateHz;
    const notes: string[] = [];
    if (best < clients) notes.push(`${clients - best} of ${clients} clients never connected at once (ramp ended after ${round(rampS)} s)`);
    if (msgs / secs < 0.95 * target) notes.push(`delivered ${Math.round(msgs / secs)} of ${target} msg/s`);
    return {
      tool: spec.name,
      clients,
      connected: end.tick.connected,
      connected_min: minConnected,
      ramp_s: round(rampS),
      window_s: round(secs),
      msgs_per_s: Math.round(msgs / secs),
      target_per_s: target,
      delivered_share: round(msgs / secs / target, 3),
      bytes_per_msg: msgs > 0 ? Math.round((end.tick.bytes - start.tick.bytes) / msgs) : 0,
      us_per_msg: per(user + system),
      us_per_msg_user: per(user),
      us_per_msg_system: per(system),
      cores: round((user + system) / secs, 2),
      rss_mb: round(end.tool.rssKb / 1024),
      processes: end.tool.processes,
      mosquitto_us_per_msg: per(brokerCpu),
      mosquitto_rss_mb: round(end.broker.rssKb / 1024),
      load_avg_1m: round(loadavg()[0] ?? 0, 2),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    }
    await sys.close();
    await broker.dispose();
  }
}
