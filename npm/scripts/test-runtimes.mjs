#!/usr/bin/env node
// The packed package on Bun, Deno and workerd (Cloudflare Workers' runtime): `npm pack`, the
// tarball unpacked into a fresh project, then npm/test-runtimes/suite.mjs run by each runtime
// (Bun and Deno as scripts, workerd as a worker on 127.0.0.1 that receives the vectors over
// HTTP; bundled by wrangler, as a Workers user deploys it), each report checked here against
// counts computed from tests/vectors/manifest.json.
// Also: which file each export condition resolves to, and the refusal in a browser-like
// environment. A runtime that does not run, or runs fewer cases, is a failure.
//
//   RUNTIMES_DIR=~/.cache/antom-core/npm-runtimes node scripts/test-runtimes.mjs
//
// The runtimes are the npm registry's Linux x86_64 binary packages at the exact versions of
// npm/test-runtimes/package-lock.json, installed once per lockfile into RUNTIMES_DIR.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readVectors } from '../test-runtimes/read-vectors.mjs';
import { installRuntimes, npmDir, prepareApp, startWorkerd } from './runtimes-harness.mjs';

const vectorsDir = process.env.ANTOM_VECTORS ?? join(npmDir, '..', 'tests', 'vectors');
const runtimes = installRuntimes();
const { versions, BUN, DENO, WORKERD } = runtimes;
const { bun: BUN_VERSION, deno: DENO_VERSION, workerd: WORKERD_VERSION } = versions;
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
  const { app, tarball } = prepareApp(tmp);
  console.log(`testing ${tarball} on Bun ${BUN_VERSION}, Deno ${DENO_VERSION} and workerd ${WORKERD_VERSION} (bundled by wrangler ${versions.wrangler})`);

  const env = { ...process.env, ANTOM_VECTORS: vectorsDir, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' };
  checkConditions(app, env);
  checkVersions(env);

  record(`Bun ${BUN_VERSION}: vectors, send, webhook handler`, checkReport(runScript(BUN, ['cli.mjs'], app, env), 'index.mjs'));
  record(
    `Deno ${DENO_VERSION}: vectors, send, webhook handler`,
    checkReport(runScript(DENO, ['run', '--allow-read', '--allow-env', 'cli.mjs'], app, env), 'index.mjs'),
  );
  record(`workerd ${WORKERD_VERSION} (wrangler ${versions.wrangler}'s bundle): vectors, send, webhook handler`, checkReport(await runWorkerd(app), null));
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
function checkVersions(env) {
  const failures = [];
  const version = (bin, args) => spawnSync(bin, args, { env, encoding: 'utf8' }).stdout.trim();
  if (version(BUN, ['--version']) !== BUN_VERSION) failures.push(`bun --version: ${version(BUN, ['--version'])}`);
  if (!version(DENO, ['--version']).startsWith(`deno ${DENO_VERSION} `)) failures.push(`deno --version: ${version(DENO, ['--version'])}`);
  // workerd prints its compatibility date, the version's middle part: 1.20261117.1 -> 2026-11-17.
  const date = WORKERD_VERSION.split('.')[1].replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
  if (version(WORKERD, ['--version']) !== `workerd ${date}`) failures.push(`workerd --version: ${version(WORKERD, ['--version'])}`);
  record('the pinned runtime versions run', failures);
}

/**
 * The export conditions, as a resolver sees them: Node's (which takes the first key of the
 * exports map that matches, as esbuild, wrangler and Bun's bundler do) with each bundler's
 * conditions, and Bun's bundler for a browser build, whose output must refuse to run.
 */
function checkConditions(app, env) {
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
  const built = spawnSync(BUN, ['build', 'page.mjs', '--target=browser', '--outfile=page.bundle.mjs'], { cwd: app, env, encoding: 'utf8' });
  if (built.status !== 0) failures.push(`bun build --target=browser failed: ${built.stderr.slice(0, 300)}`);
  else {
    const ran = spawnSync(BUN, ['page.bundle.mjs'], { cwd: app, env, encoding: 'utf8' });
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

/** workerd: the vectors POSTed to worker.mjs, which runs suite.mjs against the workerd build. */
async function runWorkerd(app) {
  let server;
  try {
    server = await startWorkerd(app, runtimes);
    // The bundle holds the package's workerd build: the WebAssembly module imported compiled.
    const bundled = readFileSync(join(server.bundle, 'worker.js'), 'utf8');
    if (!/^import \w+ from "\.\/[0-9a-f]+-antom_wasm_bg\.wasm";$/m.test(bundled)) {
      return { crashed: 'the wrangler bundle does not import antom_wasm_bg.wasm as a module: not the workerd build' };
    }
    const res = await fetch(`${server.url}/run`, {
      method: 'POST',
      body: JSON.stringify(readVectors(vectorsDir)),
      signal: AbortSignal.timeout(300_000),
    });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      return { crashed: `HTTP ${res.status}: ${text.slice(0, 2000)}\n${server.log().slice(-2000)}` };
    }
  } catch (err) {
    return { crashed: String(err.message ?? err) };
  } finally {
    server?.stop();
  }
}
