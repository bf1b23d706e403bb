/** The table of `v2x` subcommands. Each lives in its own file. */
import type { Command } from '../command.js';
import { kafkaCommand } from './kafka.js';
import { upCommand } from './up.js';
import { backendCommand } from './backend.js';
import { simCommand } from './sim.js';
import { commandCommand } from './command.js';
import { evalCommand } from './eval.js';
import { loadtestCommand } from './loadtest.js';

export const commands: readonly Command[] = [
  upCommand,
  backendCommand,
  kafkaCommand,
  simCommand,
  commandCommand,
  loadtestCommand,
  evalCommand,
];
