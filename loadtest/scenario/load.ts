/**
 * Reading a scenario file (YAML, or JSON by its extension): SCENARIO_UNREADABLE when the file
 * cannot be read, SCENARIO_INVALID when it is not YAML or does not validate. Relative paths in it
 * resolve against its folder.
 */
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { V2xError } from '../../core/errors.js';
import { readTextFileAsync } from '../../core/text-file.js';
import { parseScenario, type LoadScenario } from './scenario.js';

export function parseScenarioText(
  text: string,
  options: { readonly json?: boolean; readonly baseDir?: string; readonly source?: string } = {},
): LoadScenario {
  let doc: unknown;
  try {
    doc = options.json ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const what = options.json ? 'JSON' : 'YAML';
    throw new V2xError('SCENARIO_INVALID', `${options.source ?? 'scenario'} is not valid ${what}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseScenario(doc, options.baseDir === undefined ? {} : { baseDir: options.baseDir });
}

export async function loadScenarioFile(file: string): Promise<LoadScenario> {
  const text = await readTextFileAsync(file, 'SCENARIO_UNREADABLE');
  try {
    return parseScenarioText(text, { json: extname(file) === '.json', baseDir: dirname(resolve(file)), source: file });
  } catch (err) {
    if (err instanceof V2xError && err.code === 'SCENARIO_INVALID' && !err.message.includes(file)) {
      throw new V2xError('SCENARIO_INVALID', `${file}: ${err.message.replace(/^invalid scenario: /, '')}`, {
        details: err.details,
        cause: err,
      });
    }
    throw err;
  }
}
