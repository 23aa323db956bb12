// npm/README.md shows the webhook code that frameworks.test.mjs runs: every region marked in
// readme-apps.mjs appears verbatim (dedented) in the README shipped in the tarball.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('antom-core/package.json'));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const source = readFileSync(new URL('./readme-apps.mjs', import.meta.url), 'utf8');

function regions(text) {
  const found = [];
  const pattern = /^([ \t]*)\/\/ README:begin\n([\s\S]*?)^[ \t]*\/\/ README:end$/gm;
  for (const [, indent, body] of text.matchAll(pattern)) {
    found.push(body.replace(/\n$/, '').split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n'));
  }
  return found;
}

test('the README shows exactly the tested webhook code (Express, Fastify, web Request, node:http)', () => {
  const blocks = regions(source);
  assert.equal(blocks.length, 4);
  for (const block of blocks) assert.ok(readme.includes(block), `npm/README.md lacks, verbatim:\n${block}`);
});
