/**
 * `v2x command <vin> <type> [--param k=v ...] [--ttl 60] [--wait] [--api URL] [--token T]`: sends a
 * remote command through the REST API; with --wait, polls it and prints each lifecycle state as it
 * happens. Exit 0 when accepted (or, with --wait, SUCCEEDED), 1 otherwise; API errors are printed
 * with their code.
 */
import type { LeafCommand } from '../command.js';

interface ApiError {
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELED']);

/** `k=v` pairs into params: numbers and booleans typed, the rest strings. */
export function parseParams(pairs: readonly string[]): { params: Record<string, unknown> } | { problem: string } {
  const params: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) return { problem: `--param ${p}: expected key=value` };
    const k = p.slice(0, eq);
    const v = p.slice(eq + 1);
    params[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return { params };
}

export const commandCommand: LeafCommand = {
  name: 'command',
  summary: 'send a remote command to a car through the REST API (--wait: follow its lifecycle)',
  usage: '<vin> <type> [--param k=v ...] [--ttl 60] [--wait] [--api URL] [--token T]',
  positionals: { min: 2, max: 2 },
  options: {
    param: { type: 'string', multiple: true, valueName: 'K=V', description: 'a command parameter (repeatable), e.g. --param targetC=21' },
    ttl: { type: 'string', valueName: 'SECONDS', description: 'time to live (default: the service default, 60)' },
    'idempotency-key': { type: 'string', valueName: 'KEY', description: 'makes a retried send return the same command' },
    wait: { type: 'boolean', description: 'poll the command and print each state until it ends' },
    api: { type: 'string', valueName: 'URL', description: 'API base URL (default http://127.0.0.1:<backend.httpPort>)', config: 'api.url' },
    token: { type: 'string', valueName: 'T', description: 'bearer token with role operator', config: 'api.token' },
  },
  help: 'Types: lock, unlock, open_trunk, flash_lights, honk, climate_start (targetC), climate_stop, start_charging,\nstop_charging, set_speed_limit (kmh), locate, activate_feature (featureId).',
  async run({ config, options, positionals, stdout, stderr }) {
    const [vin, type] = positionals as [string, string];
    const base = (config.api.url || `http://127.0.0.1:${config.backend.httpPort}`).replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${config.api.token}`, 'content-type': 'application/json' };
    const parsed = parseParams((options.param as string[] | undefined) ?? []);
    if ('problem' in parsed) {
      stderr.write(`CLI_USAGE: ${parsed.problem}\n`);
      return 2;
    }
    const ttl = options.ttl === undefined ? undefined : Number(options.ttl);
    if (ttl !== undefined && !Number.isInteger(ttl)) {
      stderr.write(`CLI_USAGE: --ttl must be a whole number of seconds (got ${String(options.ttl)})\n`);
      return 2;
    }
    const call = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: Record<string, unknown> } | undefined> => {
      try {
        const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      } catch (err) {
        stderr.write(`API_UNREACHABLE: ${base}: ${(err as Error).message}\n`);
        return undefined;
      }
    };
    const failed = (r: { status: number; body: ApiError }): number => {
      const d = r.body.details && Object.keys(r.body.details).length ? ` ${JSON.stringify(r.body.details)}` : '';
      stderr.write(`${r.body.code ?? `HTTP_${r.status}`}: ${r.body.message ?? 'request failed'}${d}\n`);
      return 1;
    };

    const post = await call('POST', `/api/v1/vehicles/${encodeURIComponent(vin)}/commands`, {
      type,
      params: parsed.params,
      ...(ttl === undefined ? {} : { ttlSeconds: ttl }),
      ...(typeof options['idempotency-key'] === 'string' ? { idempotencyKey: options['idempotency-key'] } : {}),
    });
    if (post === undefined) return 1;
    if (post.status !== 202 && post.status !== 200) return failed(post);
    const id = String(post.body.commandId);
    stdout.write(`${id} ${String(post.body.status)}\n`);
    if (options.wait !== true) return 0;

    let last = String(post.body.status);
    let deadline = Date.now() + ((ttl ?? 60) + 60) * 1000;
    for (;;) {
      const r = await call('GET', `/api/v1/commands/${encodeURIComponent(id)}`);
      if (r === undefined) return 1;
      if (r.status !== 200) return failed(r);
      const status = String(r.body.status);
      if (typeof r.body.expiresAt === 'number') deadline = Math.max(deadline, r.body.expiresAt + 60_000);
      if (status !== last) {
        const why = r.body.reason ? ` (${String(r.body.reason)}${r.body.message ? `: ${String(r.body.message)}` : ''})` : '';
        stdout.write(`${id} ${status}${why}\n`);
        last = status;
      }
      if (TERMINAL.has(status)) return status === 'SUCCEEDED' ? 0 : 1;
      if (Date.now() > deadline) {
        stderr.write(`the command is still ${status} past its time to live\n`);
        return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  },
};
