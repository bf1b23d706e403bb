/**
 * Golden-file cases: test/fixtures/<area>/<case>/in.json (the input, with a human-checked `expect`)
 * and out.json (every output, rewritten when UPDATE_GOLDEN=1). Found from the source tree, whichever
 * folder the compiled tests run from.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from './repo.js';

export interface GoldenCases<In> {
  readonly dir: string;
  names(): string[];
  readIn(name: string): In;
  /** out.json, or undefined when it does not exist yet. */
  readOut(name: string): unknown;
  writeOut(name: string, output: unknown): void;
}

export function goldenCases<In>(area: string): GoldenCases<In> {
  const dir = repoPath('test', 'fixtures', area);
  const outPath = (name: string): string => join(dir, name, 'out.json');
  return {
    dir,
    names: () =>
      readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'in.json')))
        .map((d) => d.name)
        .sort(),
    readIn: (name) => JSON.parse(readFileSync(join(dir, name, 'in.json'), 'utf8')) as In,
    readOut: (name) => (existsSync(outPath(name)) ? (JSON.parse(readFileSync(outPath(name), 'utf8')) as unknown) : undefined),
    writeOut: (name, output) => writeFileSync(outPath(name), `${JSON.stringify(output, null, 2)}\n`),
  };
}
