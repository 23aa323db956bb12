#!/usr/bin/env node
// Tests the package a user gets: `npm pack`, install the tarball into a fresh project in a
// temporary directory, then run `node --test` there against `import 'antom-core'`.
//
//   node scripts/test-packed.mjs      # after scripts/build.mjs; KEEP_TMP=1 keeps the project
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const vectors = join(npmDir, '..', 'tests', 'vectors');

if (!existsSync(join(npmDir, 'dist', 'antom_wasm_bg.wasm'))) {
  console.error('npm/dist is not built: run `node scripts/build.mjs` (or `make test-node`) first');
  process.exit(1);
}

// For types.test.mjs: pinned, installed next to the tarball like a TypeScript user would; for
// retry.test.mjs: OpenTelemetry's API and its in-memory SDK, as an app that traces has them.
const TEST_TOOLCHAIN = [
  'typescript@5.9.3',
  '@types/node@20.19.43',
  '@opentelemetry/api@1.9.1',
  '@opentelemetry/sdk-trace-base@2.12.1',
  // dedup.test.mjs: the stores' client libraries, as an app using PostgresStore / RedisStore has them.
  'pg@8.23.1',
  'redis@6.3.1',
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tmp = mkdtempSync(join(tmpdir(), 'antom-core-packed-'));
try {
  const tarball = execFileSync(npm, ['pack', '--silent', '--pack-destination', tmp], { cwd: npmDir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'antom-core-test-app', private: true, type: 'module' }));
  execFileSync(
    npm,
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
      '--loglevel=error',
      join(tmp, tarball),
      ...TEST_TOOLCHAIN,
    ],
    { cwd: app, stdio: 'inherit' },
  );
  cpSync(join(npmDir, 'test'), join(app, 'test'), { recursive: true });
  const files = readdirSync(join(app, 'test'))
    .filter((name) => name.endsWith('.test.mjs'))
    .map((name) => join('test', name));
  console.log(`testing ${tarball} installed in ${app}`);
  const run = spawnSync(process.execPath, ['--test', ...files], {
    cwd: app,
    stdio: 'inherit',
    env: { ...process.env, ANTOM_VECTORS: vectors },
  });
  process.exitCode = run.status ?? 1;
} finally {
  if (process.env.KEEP_TMP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
