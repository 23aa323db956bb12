#!/usr/bin/env node
// The external-signer test against the real AWS SDK: @aws-sdk/client-kms (pinned by
// test-kms/package-lock.json, installed once into KMS_NODE_DIR with `npm ci`) talking to moto's
// KMS server on 127.0.0.1, with the packed antom-core tarball, and the local simulator
// (`antom mock`) checking the KMS-signed request.
//
//   MOTO_SERVER=... ANTOM_BIN=... KMS_NODE_DIR=.cache/npm-kms node npm/scripts/test-kms.mjs
//   (make test-node-kms sets all three)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { installLocked, installPackedTarball, requireBuiltPackage } from './locked-suite.mjs';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const vectors = join(npmDir, '..', 'tests', 'vectors');
const dir = resolve(process.env.KMS_NODE_DIR ?? join(npmDir, '..', '.cache', 'npm-kms'));
for (const name of ['MOTO_SERVER', 'ANTOM_BIN']) {
  if (!process.env[name] || !existsSync(process.env[name])) {
    console.error(`${name} must point to an existing file (make test-node-kms sets it): ${process.env[name] ?? '(unset)'}`);
    process.exit(1);
  }
}
requireBuiltPackage(npmDir);

// The AWS SDK, exactly as locked, installed once per lockfile.
installLocked(join(npmDir, 'test-kms'), dir, '@aws-sdk/client-kms');

// The shipped artifact: `npm pack`, unpacked as npm installs a dependency-free tarball.
const tmp = mkdtempSync(join(tmpdir(), 'antom-core-kms-'));
try {
  const tarball = installPackedTarball(npmDir, dir, tmp);
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
