#!/usr/bin/env node
// Builds npm/dist: bindings/antom-wasm for wasm32-unknown-unknown (size-optimised profile),
// wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version, then the JavaScript layer.
//
//   node scripts/build.mjs            # wasm-bindgen from $WASM_BINDGEN or PATH
//   node scripts/build.mjs --wasm-only  # only the cargo build of the .wasm
//   WASM_OPT=path/to/wasm-opt node scripts/build.mjs   # also run wasm-opt -Oz
//
// wasm-opt is off by default: measured with npm binaryen@132, -Oz takes the module from
// 137 KB to 121 KB gzipped (the target is 250 KB) and makes no call faster, so the build
// does not need binaryen (104 MB). Debian's binaryen 108 produces a broken module.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(npmDir, '..');
const dist = join(npmDir, 'dist');
const PROFILE = 'wasm-release';

function run(cmd, args, options = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
}

function lockVersion(name) {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const match = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`));
  if (!match) throw new Error(`${name} is not in Cargo.lock`);
  return match[1];
}

const HOT_CRATES = ['antom-core', 'base64'];

function buildWasm() {
  // A custom profile defined on the command line: the root Cargo.toml stays untouched and the
  // output lands in its own directory. opt-level "s": smaller and, measured, as fast as 3 here.
  run('cargo', [
    'build',
    '--target',
    'wasm32-unknown-unknown',
    '-p',
    'antom-wasm',
    '--profile',
    PROFILE,
    '--config',
    `profile.${PROFILE}.inherits="release"`,
    '--config',
    `profile.${PROFILE}.opt-level="s"`,
    // The per-call verify path (header and signature parsing, base64, the notification's
    // fields) at full speed; the rest stays small.
    ...HOT_CRATES.flatMap((name) => ['--config', `profile.${PROFILE}.package.${name}.opt-level=3`]),
  ]);
}

// `--wasm-only`: just the cargo build (make runs it beside the wasm-bindgen-cli install).
if (process.argv.includes('--wasm-only')) {
  buildWasm();
  process.exit(0);
}

const version = lockVersion('wasm-bindgen');
const wasmBindgen = process.env.WASM_BINDGEN || 'wasm-bindgen';
let found = '';
try {
  found = execFileSync(wasmBindgen, ['--version'], { encoding: 'utf8' }).trim();
} catch {
  found = '(not found)';
}
if (found !== `wasm-bindgen ${version}`) {
  console.error(
    `wasm-bindgen-cli must be exactly ${version} (Cargo.lock); ${wasmBindgen} is ${found}.\n` +
      `Install it with: cargo install wasm-bindgen-cli --version ${version} --root ~/.cache/antom-core/wasm-bindgen-cli-${version}\n` +
      `and set WASM_BINDGEN=~/.cache/antom-core/wasm-bindgen-cli-${version}/bin/wasm-bindgen (make test-node does this).`,
  );
  process.exit(1);
}

buildWasm();
const targetDir = process.env.CARGO_TARGET_DIR || join(root, 'target');
const wasmIn = join(targetDir, 'wasm32-unknown-unknown', PROFILE, 'antom_wasm.wasm');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
run(wasmBindgen, ['--target', 'nodejs', '--no-typescript', '--out-dir', dist, wasmIn]);

// The glue compiles its module through wasm-module.cjs instead of reading the file itself:
// workerd compiles no WebAssembly at run time and hands over its bundler's compiled module.
const gluePath = join(dist, 'antom_wasm.js');
const glue = readFileSync(gluePath, 'utf8');
const LOAD =
  "const wasmPath = `${__dirname}/antom_wasm_bg.wasm`;\n" +
  "const wasmBytes = require('fs').readFileSync(wasmPath);\n" +
  'const wasmModule = new WebAssembly.Module(wasmBytes);\n';
if (glue.split(LOAD).length !== 2) {
  console.error(`${gluePath}: wasm-bindgen ${version} no longer loads its module as build.mjs expects; update the LOAD text`);
  process.exit(1);
}
// wasm-bindgen requires the host module as require(String.raw`./host.cjs`), which bundlers
// (esbuild, so wrangler) cannot resolve ("dynamic require"): a plain string literal instead.
const HOST = 'require(String.raw`./host.cjs`)';
if (glue.split(HOST).length !== 2) {
  console.error(`${gluePath}: wasm-bindgen ${version} no longer requires host.cjs as build.mjs expects; update the HOST text`);
  process.exit(1);
}
writeFileSync(
  gluePath,
  glue.replace(LOAD, "const wasmModule = require('./wasm-module.cjs').compiled();\n").replace(HOST, "require('./host.cjs')"),
);

const wasmOut = join(dist, 'antom_wasm_bg.wasm');
if (process.env.WASM_OPT) {
  run(process.env.WASM_OPT, ['-Oz', '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-multivalue', '--enable-mutable-globals', wasmOut, '-o', wasmOut]);
}

for (const file of [
  'index.cjs',
  'index.mjs',
  'host.cjs',
  'send.cjs',
  'transfers.cjs',
  'wait.cjs',
  'dedup.cjs',
  'dedup.mjs',
  'dedup.d.ts',
  'webhooks.cjs',
  'testing.cjs',
  'testing.mjs',
  'testing.d.ts',
  'browser.cjs',
  'browser.mjs',
  'wasm-module.cjs',
  'webcrypto.cjs',
  'workerd.mjs',
  'workerd-wasm.mjs',
]) {
  copyFileSync(join(npmDir, 'src', file), join(dist, file));
}
copyFileSync(join(npmDir, 'src', 'index.d.ts'), join(dist, 'index.d.ts'));
copyFileSync(join(npmDir, 'src', 'models.d.ts'), join(dist, 'models.d.ts'));
// The ES module entry also has a default export (the CommonJS one has none).
writeFileSync(
  join(dist, 'index.d.mts'),
  readFileSync(join(npmDir, 'src', 'index.d.ts'), 'utf8') + '\n' + readFileSync(join(npmDir, 'src', 'default-export.d.mts'), 'utf8'),
);

const size = statSync(wasmOut).size;
const gzipped = gzipSync(readFileSync(wasmOut), { level: 9 }).length;
console.log(`dist/antom_wasm_bg.wasm: ${size} bytes, ${gzipped} bytes gzipped (wasm-bindgen ${version})`);
