/**
 * An impaired network link on this machine for the link tests (issue 19), made of real kernel parts
 * and torn down in t.after:
 *
 * - a network namespace of the test's own, joined to this one by a veth pair on a private /30
 *   (nothing leaves the machine: the "loopback only" of the issue);
 * - inside it a relay (delay-proxy-main.ts) the cars connect to, forwarding to the broker back on this
 *   side: every byte crosses the veth twice, each packet through the impairments;
 * - loss: with netem, `netem loss`; without it (this kernel has no netem qdisc), an nftables rule in the
 *   namespace that drops that share of TCP packets at random (`numgen random`), both ways;
 * - bandwidth: netem `rate`, else a token bucket (tbf) on both ends of the veth;
 * - latency and jitter: netem `delay`, else the relay's own delay;
 * - outages: the namespace's end of the veth set down and up again.
 *
 * Needs root, `ip netns`, `tc` and (for loss without netem) `nft`: `impairedLink` resolves to
 * { skip: reason } when any is missing, so the test can say why it skipped.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
type After = { after(fn: () => Promise<void> | void): void };

export interface Impairment {
  /** Share of packets dropped, percent, at each of the link's two crossings of the veth (each way). */
  readonly lossPct: number;
  /** One-way delay added, ms, and up to `jitterMs` more at random. */
  readonly delayMs: number;
  readonly jitterMs: number;
  /** Bandwidth each way, kbit/s. */
  readonly rateKbit: number;
}

export interface ImpairedLink {
  /** This side's address: where the broker must listen for the relay to reach it. */
  readonly hostAddress: string;
  /** How the impairments were made (netem, or tbf + nft + the relay's delay). */
  readonly method: string;
  /** Takes the link down (nothing passes either way: a tunnel, a dead zone) or up again. */
  setDown(down: boolean): Promise<void>;
  /** Starts the relay in the namespace, forwarding to `port` on hostAddress; resolves to the address the cars use. */
  relayTo(port: number): Promise<{ host: string; port: number }>;
}

async function sh(cmd: string, args: readonly string[]): Promise<void> {
  await run(cmd, [...args]);
}

const ok = (cmd: string, args: readonly string[]): Promise<boolean> =>
  sh(cmd, args).then(
    () => true,
    () => false,
  );

export async function impairedLink(t: After, imp: Impairment): Promise<ImpairedLink | { skip: string }> {
  if (process.getuid?.() !== 0) return { skip: 'needs root (network namespaces, tc, nft)' };
  const id = randomBytes(3).toString('hex');
  const ns = `v2xl-${id}`;
  const [outer, inner] = [`vl${id}a`, `vl${id}b`];
  const b2 = randomBytes(2);
  const net = `10.${200 + ((b2[0] as number) % 50)}.${b2[1] as number}`;
  const hostAddress = `${net}.1`;
  const nsAddress = `${net}.2`;
  if (!(await ok('ip', ['netns', 'add', ns]))) return { skip: '`ip netns add` failed: no network namespaces here' };
  const inNs = (cmd: string, args: readonly string[]): Promise<void> => sh('ip', ['netns', 'exec', ns, cmd, ...args]);
  const relays: { kill(): void }[] = [];
  t.after(async () => {
    for (const r of relays) r.kill();
    await ok('ip', ['link', 'del', outer]);
    await ok('ip', ['netns', 'del', ns]);
  });
  await sh('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner]);
  await sh('ip', ['link', 'set', inner, 'netns', ns]);
  await sh('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', outer]);
  await sh('ip', ['link', 'set', outer, 'up']);
  await inNs('ip', ['addr', 'add', `${nsAddress}/30`, 'dev', inner]);
  await inNs('ip', ['link', 'set', inner, 'up']);
  await inNs('ip', ['link', 'set', 'lo', 'up']);

  let method: string;
  let relayDelay = { delayMs: imp.delayMs, jitterMs: imp.jitterMs };
  const netem = (dev: string, exec: (c: string, a: readonly string[]) => Promise<void>): Promise<void> =>
    exec('tc', [
      'qdisc', 'add', 'dev', dev, 'root', 'netem',
      'delay', `${imp.delayMs / 2}ms`, `${imp.jitterMs / 2}ms`,
      'loss', `${imp.lossPct}%`,
      'rate', `${imp.rateKbit}kbit`,
    ]); // prettier-ignore
  if (
    await inNs('tc', ['qdisc', 'add', 'dev', inner, 'root', 'netem', 'delay', '1ms']).then(
      () => true,
      () => false,
    )
  ) {
    // netem on both ends: each carries half the delay (a relayed byte crosses the veth twice each way)
    await inNs('tc', ['qdisc', 'del', 'dev', inner, 'root']);
    await netem(inner, inNs);
    await netem(outer, sh);
    relayDelay = { delayMs: 0, jitterMs: 0 };
    method = `netem (loss ${imp.lossPct}%, delay ${imp.delayMs} ms ± ${imp.jitterMs / 2} ms, rate ${imp.rateKbit} kbit/s)`;
  } else {
    if (imp.lossPct > 0 && !(await ok('nft', ['--version']))) return { skip: 'no netem qdisc in this kernel and no nft for random loss' };
    const tbf = ['root', 'tbf', 'rate', `${imp.rateKbit}kbit`, 'burst', '16kb', 'latency', '2000ms'];
    await inNs('tc', ['qdisc', 'add', 'dev', inner, ...tbf]);
    await sh('tc', ['qdisc', 'add', 'dev', outer, ...tbf]);
    if (imp.lossPct > 0) {
      await inNs('nft', ['add', 'table', 'inet', 'lossy']);
      for (const hook of ['input', 'output']) {
        await inNs('nft', ['add', 'chain', 'inet', 'lossy', hook, `{ type filter hook ${hook} priority 0; }`]);
        // the relay's packets cross the namespace once in and once out: each way a packet may be dropped once
        await inNs('nft', ['add', 'rule', 'inet', 'lossy', hook, hook === 'input' ? 'iifname' : 'oifname', '!=', 'lo',
          'meta', 'l4proto', 'tcp', 'numgen', 'random', 'mod', '1000', '<', String(Math.round(imp.lossPct * 10)), 'drop']); // prettier-ignore
      }
    }
    method =
      `no netem qdisc in this kernel: loss ${imp.lossPct}% by nftables numgen random drop, rate ${imp.rateKbit} kbit/s by tbf, ` +
      `delay ${imp.delayMs} ms + up to ${imp.jitterMs} ms in the relay`;
  }
  const relayMain = fileURLToPath(new URL('./delay-proxy-main.js', import.meta.url));
  return {
    hostAddress,
    method,
    setDown: (down) => inNs('ip', ['link', 'set', inner, down ? 'down' : 'up']),
    async relayTo(port) {
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          ns,
          process.execPath,
          relayMain,
          nsAddress,
          hostAddress,
          String(port),
          String(relayDelay.delayMs),
          String(relayDelay.jitterMs),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      relays.push({ kill: () => child.kill('SIGKILL') });
      const lines = createInterface({ input: child.stdout });
      const relayPort = await new Promise<number>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`the relay exited with ${code}`)));
        lines.on('line', (line) => {
          const m = /^listening (\d+)$/.exec(line);
          if (m !== null) resolve(Number(m[1]));
        });
      });
      return { host: nsAddress, port: relayPort };
    },
  };
}
