import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../cli/main.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main({ argv, env: {}, stdout, stderr });
  return { code, out, err };
}

test('eval traffic --sim-truth: the readable report, then the JSON as the last line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-simtruth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'truth.jsonl');
  const base = {
    t: 1,
    timeMs: 1000,
    vin: 'V',
    warningId: 'w',
    warningType: 'traffic_jam',
    segmentId: 's',
    avoidSegmentIds: ['s'],
    share: 1,
  };
  writeFileSync(
    file,
    [
      { type: 'segment', t: 10, timeMs: 10_000, windowS: 10, segmentId: 's', count: 1, meanSpeedMps: 3, freeFlowMps: 13.9 },
      {
        ...base,
        type: 'reroute_decision',
        decisionId: 'V:w',
        rerouted: true,
        reason: 'rerouted',
        rejoinSegmentId: 'r',
        expectedS: 90,
        detourExpectedS: 60,
      },
      {
        type: 'reroute_outcome',
        t: 70,
        timeMs: 70_000,
        decisionId: 'V:w',
        vin: 'V',
        rerouted: true,
        outcome: 'reached',
        rejoinSegmentId: 'r',
        expectedS: 90,
        actualS: 69,
        savedS: 21,
      },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  const { code, out } = await run(['eval', 'traffic', '--sim-truth', file]);
  assert.equal(code, 0);
  const lines = out.trim().split('\n');
  assert.match(out, /1 decisions on warnings \(rerouted 1\)/);
  const json = JSON.parse(lines[lines.length - 1] as string) as {
    rerouting: { rerouted: number; saved: { count: number; totalS: number; medianS: number } };
  };
  assert.equal(json.rerouting.rerouted, 1);
  assert.deepEqual(json.rerouting.saved, { count: 1, totalS: 21, medianS: 21, meanS: 21 });
});

test('eval traffic --sim-truth: an unreadable or malformed file, or other modes beside it, are usage errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'v2x-simtruth-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.jsonl');
  writeFileSync(bad, 'not json\n');
  const missing = await run(['eval', 'traffic', '--sim-truth', join(dir, 'none.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--sim-truth: cannot read/);
  const malformed = await run(['eval', 'traffic', '--sim-truth', bad]);
  assert.equal(malformed.code, 2);
  assert.match(malformed.err, /is not ground-truth JSONL/);
  const both = await run(['eval', 'traffic', '--sim-truth', bad, '--replay', 'x.csv']);
  assert.equal(both.code, 2);
  assert.match(both.err, /does not go with --scenario, --replay/);
});
