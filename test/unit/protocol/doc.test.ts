import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_DOC, renderProtocolDoc, repoRoot } from '../../../scripts/protocol-doc.js';
import { examples } from '../../../protocol/examples.js';
import { MESSAGE_KINDS } from '../../../protocol/kinds.js';

const doc = readFileSync(join(repoRoot(), PROTOCOL_DOC), 'utf8');

test('docs/protocol.md is up to date with the code (run scripts/protocol-doc.ts to regenerate)', async () => {
  assert.equal(await renderProtocolDoc(doc), doc);
});

test('docs/protocol.md shows every example message as JSON', () => {
  for (const kind of MESSAGE_KINDS) {
    for (const m of examples[kind]) assert.ok(doc.includes(JSON.stringify(m, null, 2)), `${kind}: ${JSON.stringify(m).slice(0, 60)}`);
  }
});

test('a generated section the code does not know, or a missing one, is an error', async () => {
  await assert.rejects(
    renderProtocolDoc(`${doc}\n<!-- BEGIN GENERATED: nope -->\n<!-- END GENERATED: nope -->\n`),
    /unknown generated section "nope"/,
  );
  await assert.rejects(renderProtocolDoc('# empty\n'), /lacks generated sections: topics/);
});
