/**
 * The `v2x` entry: picks the subcommand from the table, parses its flags strictly, loads the one
 * config (defaults < file < env < flags) and runs it. Bad usage prints what was wrong and the usage,
 * exit code 2. This is the thin shell: commands hold no argv or env parsing of their own.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../core/config/load.js';
import { configSchema } from '../app/config-schema.js';
import { V2xError, toV2xError } from '../core/errors.js';
import { configureLogging, resolveLogging } from '../core/log.js';
import { defaultCacheDir } from '../infra/kafka/config.js';
import { isGroup, type Command, type LeafCommand, type OptionSpec } from './command.js';
import { commands } from './commands/index.js';

const globalOptions: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
  config: { type: 'string', valueName: 'FILE', description: 'config file (JSON or YAML); also V2X_CONFIG' },
  'log-level': { type: 'string', valueName: 'LEVEL', description: 'fatal|error|warn|info|debug|trace|silent', config: 'log.level' },
  'log-format': {
    type: 'string',
    valueName: 'FORMAT',
    description: 'auto (readable warnings on a terminal, JSON otherwise) | json | pretty',
    config: 'log.format',
  },
};

const root: Command = { name: 'v2x', summary: 'connected-vehicle fleet simulator and backend', subcommands: commands };

export interface MainIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export async function main(io: MainIo): Promise<number> {
  let path: string[] = ['v2x'];
  let cmd: Command = root;
  let args = [...io.argv];
  while (isGroup(cmd)) {
    const first = args[0];
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      io.stdout.write(groupHelp(path, cmd));
      return first === undefined && cmd !== root ? 2 : 0;
    }
    if (first === '--version') {
      io.stdout.write(`${await version()}\n`);
      return 0;
    }
    const next: Command | undefined = cmd.subcommands.find((c) => c.name === first);
    if (next === undefined) {
      io.stderr.write(`${path.join(' ')}: unknown command "${first}"\n\n${groupHelp(path, cmd)}`);
      return 2;
    }
    cmd = next;
    path = [...path, first];
    args = args.slice(1);
  }
  return runLeaf(path, cmd, args, io);
}

async function runLeaf(path: string[], cmd: LeafCommand, args: string[], io: MainIo): Promise<number> {
  const specs = { ...globalOptions, ...cmd.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries(specs).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
    });
  } catch (err) {
    io.stderr.write(`${path.join(' ')}: ${(err as Error).message}\n\n${leafHelp(path, cmd)}`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.stdout.write(leafHelp(path, cmd));
    return 0;
  }
  const { min, max } = cmd.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max === Infinity ? 'any' : max}`;
    io.stderr.write(`${path.join(' ')}: expected ${want} argument(s), got ${parsed.positionals.length}\n\n${leafHelp(path, cmd)}`);
    return 2;
  }

  const flags: Record<string, unknown> = {};
  const options: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    const spec = specs[name];
    if (spec?.config !== undefined) flags[spec.config] = spec.negate === true ? value !== true : value;
    else options[name] = value as string | boolean | string[] | undefined;
  }

  try {
    const config = loadConfig(configSchema, {
      file: typeof options.config === 'string' ? options.config : undefined,
      env: io.env,
      flags,
      defaults: { kafka: { cacheDir: defaultCacheDir(io.env) } },
    });
    const logging = resolveLogging(config.log.level, config.log.format, (io.stderr as { isTTY?: boolean }).isTTY === true);
    configureLogging(logging.level, logging.format);
    return await cmd.run({ config, options, positionals: parsed.positionals, env: io.env, stdout: io.stdout, stderr: io.stderr });
  } catch (err) {
    const e = toV2xError(err);
    io.stderr.write(`${path.join(' ')}: ${e.message} [${e.code}]\n`);
    if (e.code === 'INTERNAL' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return e.exitCode;
  }
}

function groupHelp(path: string[], group: Command & { subcommands: readonly Command[] }): string {
  const width = Math.max(...group.subcommands.map((c) => c.name.length)) + 2;
  const lines = [
    `Usage: ${path.join(' ')} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...group.subcommands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    `Run "${path.join(' ')} <command> --help" for a command's options.`,
    '',
  ];
  return lines.join('\n');
}

function leafHelp(path: string[], cmd: LeafCommand): string {
  const specs = { ...cmd.options, ...globalOptions };
  const rows = Object.entries(specs).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    return [flag, `${o.description}${o.config ? ` (config ${o.config})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    `Usage: ${path.join(' ')}${cmd.usage ? ` ${cmd.usage}` : ''} [options]`,
    '',
    cmd.summary,
    ...(cmd.help ? ['', cmd.help] : []),
    '',
    'Options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`),
    '',
  ].join('\n');
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export { V2xError };
