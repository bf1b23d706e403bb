import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runLiveTrafficEvaluation } from '../../../cli/commands/eval-live.js';
import { liveEvalHtml } from '../../../cli/commands/eval-report.js';
import { backendConfig } from '../../helpers/backend.js';
import { testKafka } from '../../helpers/kafka.js';
import { repoPath } from '../../helpers/repo.js';

const DIR = repoPath('test', 'fixtures', 'traffic', 'sumo-tiny');

test('eval traffic --replay --network --truth: a SUMO closure replayed through the live stack is scored against edgeData', async (t) => {
  const { brokers } = await testKafka(t);
  const out = mkdtempSync(join(tmpdir(), 'v2x-eval-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const o = {
    replay: join(DIR, 'fcd.xml.gz'),
    network: join(DIR, 'grid.net.xml'),
    truth: join(DIR, 'edgedata.xml.gz'),
    speed: 10,
    warmupS: 0,
    recordsFile: join(out, 'records.json'),
  };
  const progress = { update: () => undefined, done: () => undefined };
  const warnings: string[] = [];
  const r = await runLiveTrafficEvaluation(backendConfig(brokers), o, progress, (w) => warnings.push(w));
  const s = r.score;
  assert.ok(r.fixes > 1000, `fixes replayed: ${r.fixes}`);
  assert.equal(r.network.segments, 24);
  assert.ok(
    s.trueJams.some((j) => j.segmentId === 'A1B1'),
    'the closure is a true jam',
  );
  assert.ok(
    !s.missed.some((j) => j.segmentId === 'A1B1'),
    `the live service found the closure (missed: ${s.missed.map((m) => m.segmentId).join(',')})`,
  );
  assert.ok(s.report.detection.recall > 0 && s.detectedJams > 0);
  assert.ok(s.timeline.length >= 3);
  const kept = JSON.parse(readFileSync(o.recordsFile, 'utf8')) as { jamEvents: { type: string }[] };
  assert.ok(kept.jamEvents.some((e) => e.type === 'jam_started'));
  const html = liveEvalHtml(o, r);
  assert.match(html, /data-chart="timeline"/);
  assert.match(html, /Missed true jams/);
});
