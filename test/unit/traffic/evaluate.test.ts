import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateTrafficScenario } from '../../../eval/traffic/evaluate.js';
import { loadScenarioFile } from '../../../simulator/scenario/scenario.js';
import { repoPath } from '../../helpers/repo.js';

const scenario = repoPath('simulator', 'scenarios', 'incident.yaml');

test('the bundled incident scenario parses: several incidents on different road classes', () => {
  const s = loadScenarioFile(scenario);
  assert.ok(s.incidents.length >= 4);
  assert.ok(s.cars >= 2000);
});

test('evaluateTrafficScenario: the report has exactly the shape of issue 7 (short run)', async () => {
  const report = await evaluateTrafficScenario(scenario, { seed: 7, durationS: 60, warmupS: 0 });
  assert.deepEqual(Object.keys(report), ['detection', 'forecast', 'warnings']);
  assert.deepEqual(Object.keys(report.detection), ['precision', 'recall', 'f1', 'median_delay_s', 'p90_delay_s']);
  assert.deepEqual(Object.keys(report.forecast), ['mae_5', 'mae_10', 'mae_15', 'rmse_10']);
  for (const trio of Object.values(report.forecast)) assert.deepEqual(Object.keys(trio), ['model', 'ha', 'last']);
  assert.deepEqual(Object.keys(report.warnings), ['median_lead_s']);
});
