import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseNames, readCase, readOut, runCase, writeOut } from './golden-runner.js';

const update = process.env.UPDATE_GOLDEN === '1';

for (const name of caseNames()) {
  test(`traffic golden: ${name}`, () => {
    const c = readCase(name);
    const result = runCase(c);
    for (const line of c.expect) assert.ok(result.lines.includes(line), `expected "${line}" in:\n${result.lines.join('\n')}`);
    if (c.kind === 'match' || c.kind === 'windows') assert.deepEqual(result.lines, c.expect);
    // round-trip through JSON so undefined fields compare as they are stored
    const actual = JSON.parse(JSON.stringify(result.output)) as unknown;
    if (update) writeOut(name, actual);
    assert.notEqual(readOut(name), undefined, `${name}/out.json is missing (UPDATE_GOLDEN=1 writes it)`);
    assert.deepEqual(actual, readOut(name), 'out.json differs (UPDATE_GOLDEN=1 regenerates it)');
  });
}

test('traffic golden: cases exist', () => {
  assert.ok(caseNames().length >= 3);
});
