#!/usr/bin/env node
// The webhook adapters and client.send() in the real frameworks: express and fastify (pinned by
// test-frameworks/package-lock.json, installed once into FRAMEWORKS_NODE_DIR with `npm ci`), the
// packed antom-core tarball, and the local simulator (ANTOM_BIN: `antom mock`, `antom trigger`).
//
//   ANTOM_BIN=target/debug/antom FRAMEWORKS_NODE_DIR=.cache/npm-frameworks node npm/scripts/test-frameworks.mjs
//   (make test-node-frameworks sets both)
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = join(npmDir, 'test-frameworks');
const vectors = join(npmDir, '..', 'tests', 'vectors');
const dir = resolve(process.env.FRAMEWORKS_NODE_DIR ?? join(npmDir, '..', '.cache', 'npm-frameworks'));
const antomBin = process.env.ANTOM_BIN ? resolve(process.env.ANTOM_BIN) : '';
if (!antomBin || !existsSync(antomBin)) {
  console.error(`ANTOM_BIN must point to the antom binary (make test-node-frameworks builds it): ${antomBin || '(unset)'}`);
  process.exit(1);
}
if (!existsSync(join(npmDir, 'dist', 'antom_wasm_bg.wasm'))) {
  console.error('npm/dist is not built: run `make npm-build` first');
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The frameworks, exactly as locked, installed once per lockfile.
const lock = readFileSync(join(suiteDir, 'package-lock.json'));
const stamp = createHash('sha256').update(lock).digest('hex');
const stampFile = join(dir, '.installed');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
  console.log(`installing express and fastify (npm/test-frameworks/package-lock.json) into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(suiteDir, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(suiteDir, 'package-lock.json'), join(dir, 'package-lock.json'));
  execFileSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  writeFileSync(stampFile, stamp);
}

// The shipped artifact: `npm pack`, unpacked as npm installs a dependency-free tarball.
const tmp = mkdtempSync(join(tmpdir(), 'antom-core-frameworks-'));
try {
  const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', tmp], { cwd: npmDir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const installed = join(dir, 'node_modules', 'antom-core');
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', installed, '--strip-components=1']);
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
