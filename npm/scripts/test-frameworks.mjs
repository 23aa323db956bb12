#!/usr/bin/env node
// The webhook adapters and client.send() in the real frameworks: express and fastify (pinned by
// test-frameworks/package-lock.json, installed once into FRAMEWORKS_NODE_DIR with `npm ci`), the
// packed antom-core tarball, and the local simulator (ANTOM_BIN: `antom mock`, `antom trigger`).
//
//   ANTOM_BIN=target/debug/antom FRAMEWORKS_NODE_DIR=.cache/npm-frameworks node npm/scripts/test-frameworks.mjs
//   (make test-node-frameworks sets both)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installLocked, installPackedTarball, requireBuiltPackage } from './locked-suite.mjs';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = join(npmDir, 'test-frameworks');
const vectors = join(npmDir, '..', 'tests', 'vectors');
const dir = resolve(process.env.FRAMEWORKS_NODE_DIR ?? join(npmDir, '..', '.cache', 'npm-frameworks'));
const antomBin = process.env.ANTOM_BIN ? resolve(process.env.ANTOM_BIN) : '';
if (!antomBin || !existsSync(antomBin)) {
  console.error(`ANTOM_BIN must point to the antom binary (make test-node-frameworks builds it): ${antomBin || '(unset)'}`);
  process.exit(1);
}
requireBuiltPackage(npmDir);

// The frameworks, exactly as locked, installed once per lockfile.
installLocked(suiteDir, dir, 'express and fastify');

// The shipped artifact: `npm pack`, unpacked as npm installs a dependency-free tarball.
const tmp = mkdtempSync(join(tmpdir(), 'antom-core-frameworks-'));
try {
  const tarball = installPackedTarball(npmDir, dir, tmp);
  const testDir = join(dir, 'test');
  rmSync(testDir, { recursive: true, force: true });
  mkdirSync(testDir, { recursive: true });
  for (const file of readdirSync(suiteDir).filter((name) => name.endsWith('.mjs'))) {
    copyFileSync(join(suiteDir, file), join(testDir, file));
  }
  copyFileSync(join(npmDir, 'test', 'helpers.mjs'), join(testDir, 'helpers.mjs'));
  const files = readdirSync(testDir)
    .filter((name) => name.endsWith('.test.mjs'))
    .map((name) => join('test', name));
  console.log(`testing ${tarball} with express and fastify against antom mock / antom trigger`);
  const run = spawnSync(process.execPath, ['--test', ...files], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, ANTOM_VECTORS: vectors, ANTOM_BIN: antomBin },
  });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
