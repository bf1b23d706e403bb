import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main } from '../../../cli/main.js';
import { commands } from '../../../cli/commands/index.js';
import { isGroup, type Command } from '../../../cli/command.js';

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main({ argv, env, stdout, stderr });
  return { code, out, err };
}

test('--help lists every subcommand with its one-line summary', async () => {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  for (const c of commands) assert.match(out, new RegExp(`^  ${c.name} +${c.summary.replace(/[()|.*+?]/g, '.')}$`, 'm'));
});

test('an unknown subcommand prints what was wrong and the usage, exit 2', async () => {
  const { code, err } = await run(['frobnicate']);
  assert.equal(code, 2);
  assert.match(err, /unknown command "frobnicate"/);
  assert.match(err, /Usage: v2x <command>/);
});

test('every subcommand has --help', async () => {
  const walk = async (path: string[], cmd: Command): Promise<void> => {
    if (isGroup(cmd)) {
      for (const sub of cmd.subcommands) await walk([...path, sub.name], sub);
      return;
    }
    const { code, out } = await run([...path, '--help']);
    assert.equal(code, 0, `${path.join(' ')} --help`);
    assert.match(out, new RegExp(`Usage: v2x ${path.join(' ')}`));
    assert.match(out, /--help/);
  };
  for (const c of commands) await walk([c.name], c);
});

test('an unknown flag prints what was wrong and the usage, exit 2', async () => {
  const { code, err } = await run(['up', '--no-such-flag']);
  assert.equal(code, 2);
  assert.match(err, /--no-such-flag/);
  assert.match(err, /Usage: v2x up/);
});

test('a bad config value through a flag is refused before anything starts, exit 2', async () => {
  const { code, err } = await run(['up', '--mqtt-port', 'seventy']);
  assert.equal(code, 2);
  assert.match(err, /mqtt\.port/);
  assert.match(err, /CONFIG_INVALID/);
});

test('a group without a subcommand shows its usage, exit 2', async () => {
  const { code, out } = await run(['kafka']);
  assert.equal(code, 2);
  assert.match(out, /Usage: v2x kafka <command>/);
});
