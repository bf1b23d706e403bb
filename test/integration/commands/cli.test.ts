/**
 * `v2x command` against a running backend: --wait prints each lifecycle state and exits 0 on
 * SUCCEEDED; an API error is printed with its code and exits 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { commandCommand } from '../../../cli/commands/command.js';
import { loadConfig } from '../../../core/config/load.js';
import { configSchema } from '../../../app/config-schema.js';
import { startBackendOnTestKafka, testVin } from '../../helpers/backend.js';
import { apiClient, OPERATOR, testCar, TOKENS, waitKnown } from './helpers.js';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

test('v2x command --wait follows the lifecycle; API errors come with their code', async (t) => {
  const { config, backend } = await startBackendOnTestKafka(t, { 'api.tokens': TOKENS.join(',') });
  const vin = testVin(401);
  await testCar(t, backend.broker!.tcpUrl, vin, config.mqtt.fleetKey, 'succeed');
  await waitKnown(apiClient(backend.httpUrl), vin);
  const cliConfig = loadConfig(configSchema, { flags: { 'api.url': backend.httpUrl, 'api.token': OPERATOR } });

  const run = async (positionals: string[], options: Record<string, string | boolean | string[]>) => {
    const out = sink();
    const err = sink();
    const code = await commandCommand.run({ config: cliConfig, options, positionals, env: {}, stdout: out.stream, stderr: err.stream });
    return { code, stdout: out.text(), stderr: err.text() };
  };

  const ok = await run([vin, 'climate_start'], { param: ['targetC=21.5'], ttl: '30', wait: true });
  assert.equal(ok.code, 0, ok.stderr);
  const states = ok.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[1]);
  assert.equal(states.at(-1), 'SUCCEEDED');
  assert.ok(states.length >= 2, ok.stdout);

  const bad = await run([vin, 'climate_start'], { param: ['targetC=99'] });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^COMMAND_PARAMS_INVALID: .*params\.targetC/);

  const unknown = await run([testVin(402), 'lock'], {});
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^VEHICLE_NOT_FOUND/);
});
