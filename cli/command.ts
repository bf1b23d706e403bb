/**
 * What a `v2x` subcommand is: a name, a one-line summary, its options (each optionally bound to a
 * config path, so a flag is just the top layer of the config) and a run function. Commands are
 * picked from the table in cli/commands/index.ts; nested commands (`v2x kafka start`) are tables too.
 */
import type { DeepReadonly } from '../core/config/load.js';
import type { Config } from '../app/config-schema.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in --help, e.g. "N" for --cars N. */
  readonly valueName?: string;
  readonly description: string;
  /** Dotted config path this flag sets, e.g. 'kafka.brokers'. Flags without one are the command's own. */
  readonly config?: string;
  /** A boolean flag that sets its config key to false (`--no-auth` sets mqtt.auth = false). */
  readonly negate?: boolean;
}

export interface CommandContext {
  readonly config: DeepReadonly<Config>;
  /** Option values not bound to config. */
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface LeafCommand {
  readonly name: string;
  readonly summary: string;
  /** Usage after the command path, e.g. "<vin> <type> [--wait]". */
  readonly usage?: string;
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Allowed number of positional arguments; default 0..0. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** Longer help text printed under the usage. */
  readonly help?: string;
  /** Resolves to the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

export interface GroupCommand {
  readonly name: string;
  readonly summary: string;
  readonly subcommands: readonly Command[];
}

export type Command = LeafCommand | GroupCommand;

export function isGroup(c: Command): c is GroupCommand {
  return 'subcommands' in c;
}
