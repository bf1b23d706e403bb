/** Process entry for `v2x`: the only place that hands process.argv and process.env to the CLI. */
import { main } from './main.js';

const code = await main({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
