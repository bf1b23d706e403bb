/**
 * How many live MQTT sessions the simulator holds from this one machine. Starts one Mosquitto per
 * ~18,000 sessions (a process here may hold about 20,000 open files, brokers included) and one
 * `v2x sim --shard i/n` process per broker, at a low telemetry rate, with each process
 * modelling only its own cars (--traffic slice). Waits until every car is connected (or the ramp
 * stalls, or the deadline passes), holds for a while to show the sessions stay up (keepalive and
 * telemetry flowing), and reports the sessions held.
 *
 * Ports: each process talks to its own broker port, and Linux gives every (source address,
 * destination address, destination port) its own ~28,000 ephemeral ports when connect() picks
 * the port, so no source-address binding is needed. Binding a source address (--source-addresses)
 * makes the kernel search for a free port on every bind(): measured here, ~1.4 ms of kernel time
 * per connection at 16,000 connections from one address, so it is the last resort.
 *
 *   npm run bench -- sim-scale [--sessions 200000] [--per-process 17000] [--rate 0.05]
 *        [--hold 30] [--deadline 480] [--ramp 4000] [--tick 1] [--stall 120]
 *
 * 200,000 sessions (issue 21) take 12 simulator processes and 12 Mosquittos: each side of each
 * connection under the 20,000 open files a process may hold here, each (source, destination port)
 * under the ~28,000 ephemeral ports. Both limits are checked before anything starts.
 *
 * Last line: JSON with `sessions` (the fewest the brokers counted during the hold), `target`, and the CPU and
 * memory of the simulator processes (peak RSS per session, and above each process's baseline), the
 * brokers' RSS, and how much memory the machine lost (MemAvailable, kernel socket buffers
 * included; other work on the machine moves it too).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnMosquitto, type Mosquitto } from '../infra/mosquitto/launcher.js';
import type { SimSummary } from '../simulator/runtime/summary.js';
import { numberFlags } from './lib/flags.js';
import { watchSys, type SysWatcher } from './lib/mosquitto-sys.js';
import { sampleTree } from './lib/proc-tree.js';

const flags = numberFlags({ sessions: 200_000, perProcess: 17_000, rate: 0.05, hold: 30, deadline: 480, ramp: 4000, tick: 1, stall: 120 });
const { sessions: target, perProcess, rate, hold: holdS, deadline: deadlineS, ramp, tick, stall: stallS } = flags;
const n = Math.ceil(target / perProcess);

/** A line of a /proc file as numbers (empty off Linux). */
function procNumbers(file: string, pattern: RegExp): number[] {
  try {
    const m = pattern.exec(readFileSync(file, 'utf8'));
    return m === null ? [] : m.slice(1).map(Number);
  } catch {
    return [];
  }
}
const [openFiles] = procNumbers('/proc/self/limits', /Max open files\s+(\d+)/);
const [portLow, portHigh] = procNumbers('/proc/sys/net/ipv4/ip_local_port_range', /(\d+)\s+(\d+)/);
const perProc = Math.ceil(target / n);
if (openFiles !== undefined && perProc + 500 > openFiles) {
  throw new Error(
    `--per-process ${perProcess}: ${perProc} sessions per process do not fit the ${openFiles} open files a process may hold here (leave 500 for the rest)`,
  );
}
if (portLow !== undefined && portHigh !== undefined && perProc > portHigh - portLow) {
  throw new Error(
    `--per-process ${perProcess}: ${perProc} connections to one broker port exceed the ${portHigh - portLow} ephemeral ports (${portLow}-${portHigh})`,
  );
}
const memAvailableKb = (): number => procNumbers('/proc/meminfo', /MemAvailable:\s+(\d+)/)[0] ?? 0;
const memBefore = memAvailableKb();
const cli = fileURLToPath(new URL('../cli/run.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'v2x-sim-scale-'));
// the traffic model's tick: at 0.05 Hz a car reports every 20 s, so a 1 s tick (the scenario's
// maximum; 0.5 s by default) halves the model's CPU without changing what a message looks like
const scenarioFile = join(dir, 'scenario.json');
writeFileSync(scenarioFile, JSON.stringify({ tickSeconds: tick }));
const t0 = performance.now();
const elapsed = (): number => Math.round((performance.now() - t0) / 1000);

interface Child {
  readonly proc: ChildProcess;
  readonly summaryFile: string;
  connected: number;
  line: string;
  readonly exited: Promise<unknown>;
}

const brokers: Mosquitto[] = [];
const children: Child[] = [];
const watchers: SysWatcher[] = [];
let result: Record<string, unknown> | undefined;
try {
  // the brokers count the sessions: a starved simulator's own count lags far behind (its stats
  // come from busy worker threads), and a TCP connection is not a session until its CONNACK
  for (let i = 0; i < n; i++) {
    const b = await spawnMosquitto({ readyTimeoutMs: 20_000, extraConfig: ['sys_interval 2'] });
    brokers.push(b);
    watchers.push(await watchSys(b.url));
  }
  console.log(`bench sim-scale: ${target} sessions over ${n} simulator processes and ${n} Mosquittos, ${rate} Hz`);
  for (let i = 0; i < n; i++) {
    const summaryFile = join(dir, `summary-${i}.json`);
    const proc = spawn(
      process.execPath,
      [
        cli,
        'sim',
        '--broker',
        brokers[i]!.url,
        '--cars',
        String(target),
        '--shard',
        `${i}/${n}`,
        '--seed',
        '1',
        '--scenario',
        scenarioFile,
        '--rate',
        String(rate),
        '--qos',
        '1',
        '--credentials',
        'none',
        '--traffic',
        'slice',
        '--workers',
        '1',
        '--no-sleep',
        '--coverage-holes',
        '0',
        '--ramp-rate',
        String(Math.ceil(ramp / n)),
        // twelve processes ramping on 2 shared cores can go a minute without a new connection
        '--connect-timeout',
        '180',
        '--summary-json',
        summaryFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const child: Child = { proc, summaryFile, connected: 0, line: '', exited: once(proc, 'exit') };
    proc.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) {
        const m = /connected (\d+)\/|(\d+)\/\d+ connected/.exec(line);
        if (m !== null) child.connected = Number(m[1] ?? m[2]);
        if (line.trim() !== '') child.line = line.trim();
      }
    });
    children.push(child);
  }
  const total = (): number => watchers.reduce((a, w) => a + w.connected(), 0);
  const reported = (): number => children.reduce((a, c) => a + c.connected, 0);
  let best = 0;
  let lastGain = performance.now();
  let rampS = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000)); // progress poll, bounded by the deadline
    const now = total();
    if (now > best) {
      best = now;
      lastGain = performance.now();
    }
    console.log(
      `  ${elapsed()} s: ${now} sessions connected (brokers: ${watchers.map((w) => w.connected()).join(' + ')}); the simulators report ${reported()}`,
    );
    if (now >= target) {
      rampS = elapsed();
      break;
    }
    if (children.some((c) => c.proc.exitCode !== null)) {
      console.log(`  a simulator process ended: ${children.map((c) => c.line).join(' | ')}`);
      break;
    }
    if (performance.now() - lastGain > stallS * 1000 || elapsed() > deadlineS) {
      console.log(`  stopped waiting (${performance.now() - lastGain > stallS * 1000 ? `no progress for ${stallS} s` : 'deadline'})`);
      break;
    }
  }
  // hold: the sessions must stay up
  const holdEnd = performance.now() + holdS * 1000;
  let minHeld = total();
  let minReported = reported();
  while (performance.now() < holdEnd && elapsed() < deadlineS + holdS) {
    await new Promise((r) => setTimeout(r, 5000));
    minHeld = Math.min(minHeld, total());
    minReported = Math.min(minReported, reported());
    console.log(`  hold ${elapsed()} s: ${total()} sessions connected (the simulators report ${reported()})`);
  }
  // memory at the end of the hold, every session up
  const memLostKb = memBefore - memAvailableKb();
  const brokerRssKb = brokers.reduce((a, b) => a + (b.pid === undefined ? 0 : sampleTree(b.pid).rssKb), 0);
  const simRssKb = children.reduce((a, c) => a + (c.proc.pid === undefined ? 0 : sampleTree(c.proc.pid).rssKb), 0);
  const heldNow = total();
  for (const c of children) c.proc.kill('SIGTERM');
  await Promise.all(children.map((c) => c.exited));
  const summaries = children.map((c) => {
    try {
      return JSON.parse(readFileSync(c.summaryFile, 'utf8')) as SimSummary;
    } catch {
      return undefined;
    }
  });
  const got = summaries.filter((s): s is SimSummary => s !== undefined);
  const cpu = got.reduce((a, s) => a + s.cpuSeconds, 0);
  const rssMb = got.reduce((a, s) => a + s.peakRssMb, 0);
  // each process's peak over the RSS it had before building its cars
  const aboveBaseKb = got.reduce((a, s) => a + s.kbPerCar * s.cars, 0);
  const atStop = got.reduce((a, s) => a + s.connected, 0);
  const sent = got.reduce((a, s) => a + s.messages.totalSent, 0);
  const errors: Record<string, number> = {};
  for (const s of got) for (const [k, v] of Object.entries(s.errors)) errors[k] = (errors[k] ?? 0) + v;
  result = {
    bench: 'sim-scale',
    target,
    sessions: minHeld,
    peak_sessions: best,
    sessions_reported_by_simulators: Math.min(minReported, atStop),
    held_s: holdS,
    processes: n,
    brokers: n,
    rate_hz: rate,
    tick_s: tick,
    ramp_s: rampS,
    wall_s: elapsed(),
    sim_cpu_s: Math.round(cpu),
    sim_peak_rss_mb: Math.round(rssMb),
    kb_per_session: best > 0 ? Math.round(((rssMb * 1024) / best) * 10) / 10 : 0,
    kb_per_session_above_baseline: best > 0 ? Math.round((aboveBaseKb / best) * 10) / 10 : 0,
    sim_rss_mb_at_hold: Math.round(simRssKb / 1024),
    mosquitto_rss_mb_at_hold: Math.round(brokerRssKb / 1024),
    mosquitto_kb_per_session: heldNow > 0 ? Math.round((brokerRssKb / heldNow) * 10) / 10 : 0,
    machine_kb_per_session: heldNow > 0 ? Math.round((memLostKb / heldNow) * 10) / 10 : 0,
    open_files_per_process: openFiles ?? null,
    ephemeral_ports: portLow !== undefined && portHigh !== undefined ? portHigh - portLow + 1 : null,
    load_avg_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    messages_sent: sent,
    errors,
  };
  console.log(`held ${result.sessions} live sessions (target ${target})`);
  console.log(JSON.stringify(result));
} finally {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await Promise.all(watchers.map((w) => w.close()));
  await Promise.all(brokers.map((b) => b.dispose()));
  rmSync(dir, { recursive: true, force: true });
}
if (result === undefined) process.exitCode = 1;
