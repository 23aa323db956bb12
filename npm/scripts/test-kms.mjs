#!/usr/bin/env node
// The external-signer test against the real AWS SDK: @aws-sdk/client-kms (pinned by
// test-kms/package-lock.json, installed once into KMS_NODE_DIR with `npm ci`) talking to moto's
// KMS server on 127.0.0.1, with the packed antom-core tarball, and the local simulator
// (`antom mock`) checking the KMS-signed request.
//
//   MOTO_SERVER=... ANTOM_BIN=... KMS_NODE_DIR=.cache/npm-kms node npm/scripts/test-kms.mjs
//   (make test-node-kms sets all three)
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const vectors = join(npmDir, '..', 'tests', 'vectors');
const dir = resolve(process.env.KMS_NODE_DIR ?? join(npmDir, '..', '.cache', 'npm-kms'));
for (const name of ['MOTO_SERVER', 'ANTOM_BIN']) {
  if (!process.env[name] || !existsSync(process.env[name])) {
    console.error(`${name} must point to an existing file (make test-node-kms sets it): ${process.env[name] ?? '(unset)'}`);
    process.exit(1);
  }
}
if (!existsSync(join(npmDir, 'dist', 'antom_wasm_bg.wasm'))) {
  console.error('npm/dist is not built: run `make npm-build` first');
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The AWS SDK, exactly as locked, installed once per lockfile.
const lock = readFileSync(join(npmDir, 'test-kms', 'package-lock.json'));
const stamp = createHash('sha256').update(lock).digest('hex');
const stampFile = join(dir, '.installed');
if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp) {
  console.log(`installing @aws-sdk/client-kms (npm/test-kms/package-lock.json) into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(npmDir, 'test-kms', 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(npmDir, 'test-kms', 'package-lock.json'), join(dir, 'package-lock.json'));
  execFileSync(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  writeFileSync(stampFile, stamp);
}

// The shipped artifact: `npm pack`, unpacked as npm installs a dependency-free tarball.
const tmp = mkdtempSync(join(tmpdir(), 'antom-core-kms-'));
try {
  const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', tmp], { cwd: npmDir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const installed = join(dir, 'node_modules', 'antom-core');
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(tmp, tarball), '-C', installed, '--strip-components=1']);
  mkdirSync(join(dir, 'test'), { recursive: true });
  copyFileSync(join(npmDir, 'test-kms', 'kms.test.mjs'), join(dir, 'test', 'kms.test.mjs'));
  copyFileSync(join(npmDir, 'test', 'helpers.mjs'), join(dir, 'test', 'helpers.mjs'));
  console.log(`testing ${tarball} with @aws-sdk/client-kms against moto_server`);
  const run = spawnSync(process.execPath, ['--test', join('test', 'kms.test.mjs')], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, ANTOM_VECTORS: vectors },
  });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
