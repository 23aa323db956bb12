// The TypeScript declarations type-check a consumer in ESM and CommonJS (nodenext), strictly.
// typescript and @types/node are installed next to the tarball at pinned versions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const require = createRequire(import.meta.url);

test('index.d.ts / index.d.mts type-check a strict consumer (ESM and CommonJS)', () => {
  // test-packed.mjs installs typescript next to the package: a missing tsc is a broken set-up,
  // never a pass.
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc');
  } catch {
    assert.fail('typescript is not installed next to the package (npm/scripts/test-packed.mjs installs it)');
  }
  const fixtures = ['test/types/esm.mts', 'test/types/cjs.cts', 'test/types/send-webhooks.mts', 'test/types/testing.mts', 'test/types/dedup.mts'];
  assert.ok(fixtures.every((f) => existsSync(f)));
  const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', ...fixtures];
  const run = spawnSync(process.execPath, [tsc, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
