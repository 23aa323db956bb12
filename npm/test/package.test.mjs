// The installed package: loaded from node_modules, ESM and CommonJS share one instance,
// only the intended files are shipped, and it refuses to load in a browser.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

import * as esm from 'antom-core';
import antomDefault from 'antom-core';

const require = createRequire(import.meta.url);
const entry = require.resolve('antom-core');
const packageDir = dirname(dirname(entry));

test('the package under test is the installed tarball, not the source tree', () => {
  assert.match(entry, /node_modules[\\/]antom-core[\\/]dist[\\/]index\.cjs$/);
  assert.equal(require('antom-core/package.json').name, 'antom-core');
});

test('ESM and CommonJS entries are one instance', () => {
  const cjs = require('antom-core');
  assert.equal(esm.Client, cjs.Client);
  assert.equal(esm.AntomError, cjs.AntomError);
  assert.equal(antomDefault, cjs);
  for (const name of Object.keys(cjs)) assert.ok(name in esm, `ESM exports ${name}`);
});

test('the tarball ships only dist and the README', () => {
  const files = readdirSync(join(packageDir, 'dist')).sort();
  assert.deepEqual(files, [
    'antom_wasm.js',
    'antom_wasm_bg.wasm',
    'browser.cjs',
    'browser.mjs',
    'dedup.cjs',
    'dedup.d.ts',
    'dedup.mjs',
    'host.cjs',
    'index.cjs',
    'index.d.mts',
    'index.d.ts',
    'index.mjs',
    'models.d.ts',
    'send.cjs',
    'testing.cjs',
    'testing.d.ts',
    'testing.mjs',
    'transfers.cjs',
    'wait.cjs',
    'wasm-module.cjs',
    'webcrypto.cjs',
    'webhooks.cjs',
    'workerd-wasm.mjs',
    'workerd.mjs',
  ]);
  assert.deepEqual(readdirSync(packageDir).sort(), ['README.md', 'dist', 'package.json']);
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  assert.equal(pkg.browser, './dist/browser.cjs');
  assert.ok(pkg.engines.node);
  // The host-crypto key export is internal to the WebAssembly glue: nothing exports it.
  for (const file of ['index.cjs', 'index.mjs', 'index.d.ts', 'antom_wasm.js']) {
    assert.ok(!readFileSync(join(packageDir, 'dist', file), 'utf8').includes('export_pkcs8'), file);
  }
});

function node(args, code) {
  return spawnSync(process.execPath, [...args, '-e', code], { encoding: 'utf8', cwd: process.cwd() });
}

test('refuses to load in a browser: the browser field / condition and browser globals', () => {
  const cases = [
    ['--conditions=browser', "require('antom-core')"],
    ['--conditions=browser', "import('antom-core').catch((e) => { console.error(e.message); process.exit(3); })"],
    [null, "globalThis.window = { document: {} }; require('antom-core')"],
    [null, `require(${JSON.stringify(join(packageDir, require('antom-core/package.json').browser))})`],
  ];
  for (const [flag, code] of cases) {
    const run = node(flag ? [flag] : [], code);
    assert.notEqual(run.status, 0, `${flag} ${code} must fail`);
    assert.match(run.stderr, /antom-core is server-only/);
  }
  const fine = node([], "require('antom-core'); console.log('ok')");
  assert.equal(fine.status, 0, fine.stderr);
});
