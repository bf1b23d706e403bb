/**
 * Golden files: every case under test/fixtures/geofencing/ must give exactly its out.json, and its
 * events must match the hand-written `expect` summary in in.json. Regenerate out.json with
 * `UPDATE_GOLDEN=1 node --test <build>/test/unit/geofencing/` (then review the diff, and format it:
 * `npx prettier --write test/fixtures/geofencing`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseNames, readCase, readGolden, runCase, summarize, writeGolden } from './golden-runner.js';

const update = process.env.UPDATE_GOLDEN === '1';
const names = caseNames();

test('there are golden cases', () => {
  for (const required of [
    'boundary-jitter',
    'crossing',
    'hole',
    'corridor',
    'circle',
    'dwell',
    'deletion-while-inside',
    'disabled-fence',
    'vehicle-filter',
  ])
    assert.ok(names.includes(required), `missing golden case ${required}`);
});

for (const name of names) {
  test(`golden: ${name}`, () => {
    const c = readCase(name);
    const actual = runCase(c);
    assert.deepStrictEqual(summarize(actual), [...c.expect], `${name}: events differ from in.json's expect (${c.description})`);
    if (update) writeGolden(name, actual);
    const golden = readGolden(name);
    assert.ok(golden !== undefined, `${name}: no out.json; run with UPDATE_GOLDEN=1 and review it`);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(actual)), golden, `${name}: outputs differ from out.json`);
  });

  test(`golden: ${name} is deterministic (a second run gives the same bytes)`, () => {
    const c = readCase(name);
    assert.equal(JSON.stringify(runCase(c)), JSON.stringify(runCase(c)));
  });
}
