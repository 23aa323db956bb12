#!/usr/bin/env node
// The packed package on Bun, Deno and workerd (Cloudflare Workers' runtime): `npm pack`, the
// tarball unpacked into a fresh project, then npm/test-runtimes/suite.mjs run by each runtime
// (Bun and Deno as scripts, workerd as a worker on 127.0.0.1 that receives the vectors over
// HTTP), each report checked here against counts computed from tests/vectors/manifest.json.
// Also: which file each export condition resolves to, and the refusal in a browser-like
// environment. A runtime that does not run, or runs fewer cases, is a failure.
//
//   RUNTIMES_DIR=~/.cache/antom-core/npm-runtimes node scripts/test-runtimes.mjs
//
// The runtimes are the npm registry's Linux x86_64 binary packages at the exact versions of
// npm/test-runtimes/package-lock.json, installed once per lockfile into RUNTIMES_DIR.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readVectors } from '../test-runtimes/read-vectors.mjs';
import { installLocked, installPackedTarball, requireBuiltPackage } from './locked-suite.mjs';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = join(npmDir, 'test-runtimes');
const vectorsDir = process.env.ANTOM_VECTORS ?? join(npmDir, '..', 'tests', 'vectors');
requireBuiltPackage(npmDir);
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('test-runtimes: the pinned runtime binaries are Linux x86_64 ones; this is not such a machine');
  process.exit(1);
}

const pins = JSON.parse(readFileSync(join(suiteDir, 'package.json'), 'utf8')).dependencies;
const BUN_VERSION = pins['@oven/bun-linux-x64'];
const DENO_VERSION = pins['@deno/linux-x64-glibc'];
const WORKERD_VERSION = pins['@cloudflare/workerd-linux-64'];
const runtimesRoot = process.env.RUNTIMES_DIR ?? join(npmDir, '..', '.cache', 'npm-runtimes');
// Cached by version: other pins install next to these, never over them.
const runtimesDir = join(runtimesRoot, `bun-${BUN_VERSION}-deno-${DENO_VERSION}-workerd-${WORKERD_VERSION}`);
installLocked(suiteDir, runtimesDir, `Bun ${BUN_VERSION}, Deno ${DENO_VERSION}, workerd ${WORKERD_VERSION}`);
const modules = join(runtimesDir, 'node_modules');
const BUN = join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun');
const DENO = join(modules, '@deno', 'linux-x64-glibc', 'deno');
const WORKERD = join(modules, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd');

// What every runtime must have run: computed from the manifest, never from a runtime's report.
const manifest = JSON.parse(readFileSync(join(vectorsDir, 'manifest.json'), 'utf8'));
const ASYNC_VERIFY_OPERATIONS = ['verify_response', 'verify_notification'];
const expected = { node: manifest.total, wasm: manifest.total, async_signing: 0, webcrypto: 0 };
for (const [file, count] of Object.entries(manifest.files)) {
  const { operation } = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'));
  if (file === 'sign.json' || file === 'prepare.json') expected.async_signing += count;
  if (ASYNC_VERIFY_OPERATIONS.includes(operation)) expected.webcrypto += count;
}
for (const operation of ASYNC_VERIFY_OPERATIONS) expected.webcrypto += manifest.hostile_operations[operation] ?? 0;
/** send and webhook rules checked by suite.mjs (sendRules: 12, webhookRules: 6). */
const EXPECTED_CHECKS = 18;

const results = [];
function record(name, failures) {
  results.push({ name, failures });
  console.log(failures.length === 0 ? `ok: ${name}` : `FAILED: ${name}\n  ${failures.join('\n  ')}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'antom-core-runtimes-'));
try {
  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'antom-core-runtimes-app', private: true, type: 'module' }));
  const tarball = installPackedTarball(npmDir, app, tmp);
  for (const file of ['suite.mjs', 'cli.mjs', 'worker.mjs', 'browser-like.mjs', 'read-vectors.mjs']) copyFileSync(join(suiteDir, file), join(app, file));
  copyFileSync(join(npmDir, 'test', 'vector-cases.mjs'), join(app, 'vector-cases.mjs'));
  console.log(`testing ${tarball} on Bun ${BUN_VERSION}, Deno ${DENO_VERSION} and workerd ${WORKERD_VERSION}`);

  checkConditions(app);
  checkVersions();

  const env = { ...process.env, ANTOM_VECTORS: vectorsDir, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' };
  record(`Bun ${BUN_VERSION}: vectors, send, webhook handler`, checkReport(runScript(BUN, ['cli.mjs'], app, env), 'index.mjs'));
  record(
    `Deno ${DENO_VERSION}: vectors, send, webhook handler`,
    checkReport(runScript(DENO, ['run', '--allow-read', '--allow-env', 'cli.mjs'], app, env), 'index.mjs'),
  );
  record(`workerd ${WORKERD_VERSION}: vectors, send, webhook handler`, checkReport(await runWorkerd(app), null));
  for (const [name, bin, args] of [
    ['Bun', BUN, ['browser-like.mjs']],
    ['Deno', DENO, ['run', '--allow-read', '--allow-env', 'browser-like.mjs']],
  ]) {
    const run = spawnSync(bin, args, { cwd: app, env, encoding: 'utf8' });
    const said = run.stdout.trim();
    record(`${name}: a browser-like environment (window.document) is refused`, said.includes('server-only') ? [] : [`it printed ${JSON.stringify(said)} ${run.stderr.slice(0, 300)}`]);
  }
} finally {
  if (process.env.KEEP_TMP) console.log(`kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}

const failed = results.filter((r) => r.failures.length > 0).length;
console.log(`test-runtimes: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;

/** Exactly the pinned versions run. */
function checkVersions() {
  const failures = [];
  const version = (bin, args) => spawnSync(bin, args, { encoding: 'utf8' }).stdout.trim();
  if (version(BUN, ['--version']) !== BUN_VERSION) failures.push(`bun --version: ${version(BUN, ['--version'])}`);
  if (!version(DENO, ['--version']).startsWith(`deno ${DENO_VERSION} `)) failures.push(`deno --version: ${version(DENO, ['--version'])}`);
  // workerd prints its compatibility date, the version's middle part: 1.20261123.1 -> 2026-11-23.
  const date = WORKERD_VERSION.split('.')[1].replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
  if (version(WORKERD, ['--version']) !== `workerd ${date}`) failures.push(`workerd --version: ${version(WORKERD, ['--version'])}`);
  record('the pinned runtime versions run', failures);
}

/**
 * The export conditions, as a resolver sees them: Node's (which takes the first key of the
 * exports map that matches, as esbuild, wrangler and Bun's bundler do) with each bundler's
 * conditions, and Bun's bundler for a browser build, whose output must refuse to run.
 */
function checkConditions(app) {
  const failures = [];
  const resolveWith = (conditions, how = 'import') => {
    const args = conditions.flatMap((c) => ['--conditions', c]);
    const code =
      how === 'import'
        ? "console.log(import.meta.resolve('antom-core'))"
        : "import { createRequire } from 'node:module'; console.log(createRequire(process.cwd() + '/').resolve('antom-core'))";
    const out = execFileSync(process.execPath, [...args, '--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' }).trim();
    return relative(join(app, 'node_modules', 'antom-core'), out.startsWith('file:') ? fileURLToPath(out) : out);
  };
  const cases = [
    [['workerd', 'worker', 'browser'], 'import', 'dist/workerd.mjs', 'wrangler (workerd, worker, browser)'],
    [['worker', 'browser'], 'import', 'dist/workerd.mjs', 'an edge bundler (worker, browser)'],
    [['browser'], 'import', 'dist/browser.mjs', 'a browser bundler (import)'],
    [['browser'], 'require', 'dist/browser.cjs', 'a browser bundler (require)'],
    [[], 'import', 'dist/index.mjs', 'Node.js, Bun, Deno (node, import)'],
    [[], 'require', 'dist/index.cjs', 'Node.js, Bun, Deno (node, require)'],
  ];
  for (const [conditions, how, want, who] of cases) {
    const got = resolveWith(conditions, how);
    if (got !== want) failures.push(`${who}: resolves to ${got}, expected ${want}`);
  }
  // Bun's bundler for the browser: the bundle is the refusal.
  writeFileSync(join(app, 'page.mjs'), "import * as antom from 'antom-core';\nconsole.log(typeof antom.Client);\n");
  const built = spawnSync(BUN, ['build', 'page.mjs', '--target=browser', '--outfile=page.bundle.mjs'], { cwd: app, encoding: 'utf8' });
  if (built.status !== 0) failures.push(`bun build --target=browser failed: ${built.stderr.slice(0, 300)}`);
  else {
    const ran = spawnSync(BUN, ['page.bundle.mjs'], { cwd: app, encoding: 'utf8' });
    if (ran.status === 0 || !ran.stderr.includes('server-only')) failures.push(`the browser bundle ran: ${ran.stdout} ${ran.stderr.slice(0, 300)}`);
  }
  record('export conditions: workerd/worker build, browser refusal, node build', failures);
}

/** Runs a runtime on a script; the report is the last stdout line (JSON). */
function runScript(bin, args, cwd, env) {
  const run = spawnSync(bin, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  const lines = run.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return { crashed: `exit ${run.status} ${run.signal ?? ''}: ${run.stderr.slice(-2000)} ${run.stdout.slice(-500)}` };
  }
}

/** A report's failures: any suite failure, and every count against the manifest's. */
function checkReport(report, resolvedFile) {
  if (report.crashed !== undefined) return [`did not run: ${report.crashed}`];
  const failures = [...report.failures.slice(0, 30)];
  if (report.failures.length > 30) failures.push(`... and ${report.failures.length - 30} more`);
  for (const [pass, want] of Object.entries(expected)) {
    if (report.counts[pass] !== want) failures.push(`${pass}: ran ${report.counts[pass]} cases, the manifest gives ${want}`);
  }
  if (report.checks !== EXPECTED_CHECKS) failures.push(`send/webhook checks: ran ${report.checks}, expected ${EXPECTED_CHECKS}`);
  if (resolvedFile !== null && !String(report.resolved).endsWith(`/antom-core/dist/${resolvedFile}`)) {
    failures.push(`'antom-core' resolved to ${report.resolved}, expected dist/${resolvedFile}`);
  }
  console.log(
    `  ${report.runtime}: ${report.counts.node} vectors on node:crypto, ${report.counts.wasm} on wasm, ` +
      `${report.counts.async_signing} async signing, ${report.counts.webcrypto} through verify*Async on WebCrypto, ` +
      `${report.checks} send/webhook checks`,
  );
  return failures;
}

/** A free port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * workerd: a config naming each module as the package's workerd entry loads it (the file
 * the "workerd" condition resolves to is the module `antom-core`; its relative imports are
 * named by file), with `nodejs_compat`; the vectors are POSTed to the worker.
 */
async function runWorkerd(app) {
  const dist = join(app, 'node_modules', 'antom-core', 'dist');
  const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'antom-core', 'package.json'), 'utf8'));
  const entry = pkg.exports['.'].workerd.default.replace(/^\.\/dist\//, '');
  const moduleOf = (name, path) => {
    const type = name.endsWith('.wasm') ? 'wasm' : name.endsWith('.mjs') || name === 'antom-core' ? 'esModule' : 'commonJsModule';
    return `(name = ${JSON.stringify(name)}, ${type} = embed ${JSON.stringify(path)})`;
  };
  const list = [
    moduleOf('worker.mjs', 'worker.mjs'),
    moduleOf('suite.mjs', 'suite.mjs'),
    moduleOf('vector-cases.mjs', 'vector-cases.mjs'),
    moduleOf('antom-core', `node_modules/antom-core/dist/${entry}`),
  ];
  for (const file of pkg.files) {
    const name = file.replace(/^dist\//, '');
    if (!file.startsWith('dist/') || name === entry || name.endsWith('.d.ts') || name.endsWith('.d.mts')) continue;
    list.push(moduleOf(name, `node_modules/antom-core/${file}`));
  }
  const port = await freePort();
  writeFileSync(
    join(app, 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .suite) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const suite :Workerd.Worker = (
  modules = [ ${list.join(',\n    ')} ],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = ["nodejs_compat"],
);
`,
  );
  const server = spawn(WORKERD, ['serve', 'workerd.capnp'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  try {
    const body = JSON.stringify(readVectors(vectorsDir));
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/run`, { method: 'POST', body, signal: AbortSignal.timeout(300_000) });
        const text = await res.text();
        try {
          return JSON.parse(text);
        } catch {
          return { crashed: `HTTP ${res.status}: ${text.slice(0, 2000)}\n${log.slice(-2000)}` };
        }
      } catch (err) {
        if (server.exitCode !== null || Date.now() > deadline) return { crashed: `${err.cause?.code ?? err}: ${log.slice(-3000)}` };
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    server.kill();
  }
}

